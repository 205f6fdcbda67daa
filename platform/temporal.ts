import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { connectionSecurity, dataConverterFor, type TemporalSecurity } from './temporal-security';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { requestIdClientInterceptor } from './request-id-client';
import { tracingStarted } from './tracing';
import { closeSafeInterceptors } from './temporal-connection-close';

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

export async function connectTemporal(address: string, namespace: string, security?: TemporalSecurity): Promise<{ connection: Connection; client: Client }> {
  const closeSafe = closeSafeInterceptors();
  const connection = await Connection.connect({ address, ...connectionSecurity(security), interceptors: closeSafe.interceptors });
  // Every caller's close() first lets calls under way end (platform/temporal-connection-close.ts).
  const close = connection.close.bind(connection);
  connection.close = async () => {
    await closeSafe.beforeClose();
    await close();
  };
  const dataConverter = dataConverterFor(security);
  // Request ids always; OpenTelemetry's spans and trace context when tracing is on (platform/tracing.ts).
  const interceptors = { workflow: [requestIdClientInterceptor(), ...(tracingStarted() ? [new OpenTelemetryWorkflowClientInterceptor()] : [])] };
  return { connection, client: new Client({ connection, namespace, interceptors, ...(dataConverter ? { dataConverter } : {}) }) };
}

/** Registers the payment search attributes if the namespace lacks them; safe to call from every worker. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    if (!existing.customAttributes?.[key.name]) missing[key.name] = INDEXED_TYPE[key.type];
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    // Another worker may have added them a moment ago.
    if (!/already exists/i.test(String(error))) throw error;
  }
}

export async function isTemporalReachable(connection: Connection): Promise<boolean> {
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  }
}

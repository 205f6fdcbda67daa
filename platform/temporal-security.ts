import { readFileSync } from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { type CodecKey, EncryptionCodec, parseCodecKeys } from './payload-codec';
import { FAILURE_CONVERTER_PATH } from './failure-converter';

/** How client and worker reach Temporal (TLS, mTLS, API key; Temporal Cloud) and encrypt payloads. docs/operations.md. */
const optional = z.string().optional().transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

export const temporalSecurityEnvironment = {
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).default('false').transform((value) => value === 'true' || value === '1'),
  TEMPORAL_TLS_SERVER_NAME: optional,
  TEMPORAL_TLS_CA_PATH: optional,
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_API_KEY: optional,
  /** `id:base64key,...`: the first encrypts, all decrypt. npm start generates one. */
  TEMPORAL_CODEC_KEYS: optional,
};

type SecurityEnvironment = { [K in keyof typeof temporalSecurityEnvironment]: z.output<(typeof temporalSecurityEnvironment)[K]> };

export interface TemporalSecurity {
  tls?: { serverName?: string; caPath?: string; certPath?: string; keyPath?: string };
  apiKey?: string;
  codecKeys?: CodecKey[];
}

export function temporalSecuritySettings(e: SecurityEnvironment): { settings: TemporalSecurity; problems: string[] } {
  const problems: string[] = [];
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither');
  }
  let codecKeys: CodecKey[] | undefined;
  try {
    codecKeys = e.TEMPORAL_CODEC_KEYS ? parseCodecKeys(e.TEMPORAL_CODEC_KEYS) : undefined;
  } catch (error) {
    problems.push((error as Error).message);
  }
  // An API key (Temporal Cloud) or a client certificate implies TLS.
  const tls = e.TEMPORAL_TLS || e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH
    ? { serverName: e.TEMPORAL_TLS_SERVER_NAME, caPath: e.TEMPORAL_TLS_CA_PATH, certPath: e.TEMPORAL_TLS_CERT_PATH, keyPath: e.TEMPORAL_TLS_KEY_PATH }
    : undefined;
  return { settings: { tls, apiKey: e.TEMPORAL_API_KEY, codecKeys }, problems };
}

/** Options shared by Connection.connect (client) and NativeConnection.connect (worker). */
export function connectionSecurity(security: TemporalSecurity | undefined): { tls?: TLSConfig | true; apiKey?: string } {
  if (!security?.tls) return security?.apiKey ? { apiKey: security.apiKey } : {};
  const { serverName, caPath, certPath, keyPath } = security.tls;
  const tls: TLSConfig = {
    ...(serverName ? { serverNameOverride: serverName } : {}),
    ...(caPath ? { serverRootCACertificate: readFileSync(caPath) } : {}),
    ...(certPath && keyPath ? { clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) } } : {}),
  };
  return { tls: Object.keys(tls).length ? tls : true, ...(security.apiKey ? { apiKey: security.apiKey } : {}) };
}

/**
 * The same in client and worker: payloads encrypted when codec keys are set, and failure messages and stack traces
 * always encoded as payloads (platform/failure-converter.ts), so the codec covers them too.
 */
export function dataConverterFor(security: TemporalSecurity | undefined): DataConverter {
  const codecs = security?.codecKeys?.length ? [new EncryptionCodec(security.codecKeys)] : [];
  return { payloadCodecs: codecs, failureConverterPath: FAILURE_CONVERTER_PATH };
}

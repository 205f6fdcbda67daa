import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Context, Next } from 'koa';

/**
 * Optional OpenTelemetry tracing, off by default: on with DURAPAY_TRACING=1 or an OTLP endpoint
 * (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; DURAPAY_TRACING=0 keeps it off). Spans go by
 * OTLP over HTTP (the exporter reads the standard OTEL_* variables; default http://localhost:4318). The Temporal
 * interceptors (@temporalio/interceptors-opentelemetry) carry the trace from the API's request through
 * update-with-start, the workflow and its activities, so one payment is one trace.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DURAPAY_TRACING === '0') return false;
  return env.DURAPAY_TRACING === '1' || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface Tracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

let started: Tracing | null = null;

/** Registers the process's tracer provider (once) when tracing is requested; null when it is off. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (started || !tracingRequested(env)) return started;
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Global provider, AsyncLocalStorage context and W3C trace-context propagation.
  provider.register();
  started = { spanProcessor, resource, shutdown: () => provider.shutdown() };
  return started;
}

export function tracingStarted(): Tracing | null {
  return started;
}

/** The API's span for each request, the parent of the Temporal client's spans (start, update, signal). */
export async function traceRequests(ctx: Context, next: Next): Promise<void> {
  const tracer = trace.getTracer('durapay-api');
  await tracer.startActiveSpan(`HTTP ${ctx.method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } }, async (span) => {
    try {
      await next();
    } finally {
      // The route pattern, never the raw path: ids stay out of span names.
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute;
      span.updateName(`${ctx.method} ${typeof route === 'string' ? route : 'unmatched'}`);
      span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.state.requestId) span.setAttribute('durapay.request_id', String(ctx.state.requestId));
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });
}

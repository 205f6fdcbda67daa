import pino, { type DestinationStream, type Logger } from 'pino';
import { scrub } from './redact';
import { currentRequestId } from './request-context';

export type { Logger };

/**
 * Structured JSON logs; request bodies are never logged, so card data can't leak through them. A line written while
 * a request is served carries its request_id (from AsyncLocalStorage), whichever logger wrote it.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', '*.client_secret', 'iban', '*.iban', 'email', '*.email', 'receipt_email', '*.receipt_email', 'account_holder_name', '*.account_holder_name'],
      censor: '[redacted]',
    },
    // Values, not only fields: an error's message may quote a row or a parameter.
    serializers: {
      err: (error: Error) => {
        const serialized = pino.stdSerializers.err(error);
        return { ...serialized, message: scrub(serialized.message ?? ''), stack: scrub(serialized.stack ?? '') };
      },
    },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...rest: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)));
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { request_id: requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; request bodies are never logged, so card data can't leak through them. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', '*.client_secret', '*.iban'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

export type { Logger };

/** The request being served, so every log line written on its behalf names it. */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Structured JSON logs. Credential-bearing fields are redacted by name as a second line of
 * defence: no code path is supposed to log them at all.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { requestId: scope.requestId } : {};
    },
    redact: {
      paths: [
        'credential',
        '*.credential',
        'apiKey',
        '*.apiKey',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
        'sealedCredential',
        '*.sealedCredential',
      ],
      censor: '[redacted]',
    },
  });
}

import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credential-bearing fields are redacted by name as a second line of
 * defence: no code path is supposed to log them at all.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
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

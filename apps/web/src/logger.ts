import pino, { type Logger } from 'pino';
import type { LogLevel } from '@obo/config';

/** Paths pino blanks wherever they appear: credentials never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.accessToken',
  '*.idToken',
  '*.refreshToken',
  '*.tokenCache',
  '*.code',
  '*.clientSecret',
];

/** Structured JSON logs; tokens, cookies and authorization headers redacted. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    name: 'web',
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { app: 'web' },
  });
}

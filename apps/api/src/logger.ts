import pino, { type Logger } from 'pino';

/** Paths never written to a log: credentials, tokens, cookies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ms-token-aad-access-token"]',
  'res.headers["set-cookie"]',
  'accessToken',
  'assertion',
  'token',
  '*.accessToken',
  '*.assertion',
  '*.token',
  '*.clientSecret',
  '*.secret',
];

/** The API's structured logger: JSON lines, secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: 'api',
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { app: 'api' },
    },
    destination,
  );
}

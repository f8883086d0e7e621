import pino, { type DestinationStream, type Logger } from 'pino';
import { errorSummary } from './error-summary';

/**
 * Field names whose values are credentials: tokens, assertions, secrets, passwords, the
 * authorization code, session cookies and the headers that carry them. The one list of the
 * workspace: every server's logger blanks these wherever pino can find them.
 */
export const SECRET_FIELDS: readonly string[] = Object.freeze([
  // Headers (Node lower-cases incoming names; outgoing header objects may not).
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'x-ms-token-aad-access-token',
  'x-ms-token-aad-id-token',
  'x-ms-token-aad-refresh-token',
  // Tokens and what MSAL keeps of them.
  'token',
  'accessToken',
  'access_token',
  'idToken',
  'id_token',
  'refreshToken',
  'refresh_token',
  'tokenCache',
  // Client credentials and assertions (OBO's incoming token, a client assertion JWT).
  'assertion',
  'clientAssertion',
  'client_assertion',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'privateKey',
  // The authorization code and its PKCE verifier.
  'code',
  'codeVerifier',
  'code_verifier',
]);

/** How deep below the top of a log line a secret field is found: `f`, `*.f`, `*.*.f`. */
const DEPTHS = ['', '*', '*.*'];

/**
 * pino paths for {@link SECRET_FIELDS} at the top of a line, one level down (`*.token`) and two
 * levels down (`req.headers.authorization`, `err.cause.assertion`). pino's paths name depths,
 * not "anywhere": an object nested deeper is not searched, so log summaries, not whole objects.
 */
export const REDACT_PATHS: readonly string[] = Object.freeze(
  DEPTHS.flatMap((prefix) =>
    SECRET_FIELDS.map((field) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
      if (!prefix) return key;
      return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
    }),
  ),
);

/** What the redacted values are replaced with. */
export const REDACTED = '[redacted]';

export interface LoggerOptions {
  /** The service's name, written as `name` and `app` on every line (`api`, `web`, `entra-emulator`). */
  name: string;
  /** pino level: `fatal`…`trace`, or `silent`. */
  level: string;
  /** Where lines go. Default standard output. */
  destination?: DestinationStream;
}

/**
 * The structured logger of every server: JSON lines, {@link SECRET_FIELDS} redacted, errors
 * logged as a summary (name, message, stack, code, status, cause) instead of all their
 * properties — an HTTP client's error carries the request's headers.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      base: { app: options.name },
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { err: errorSummary },
    },
    options.destination,
  );
}

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

/** Where a secret field is looked for: the top of a line, one level down, HTTP headers. */
const PLACES = ['', '*', 'req.headers', 'res.headers'];

/**
 * pino paths for {@link SECRET_FIELDS} at the top of a line (`token`), one level down
 * (`*.token`, `headers.cookie`) and in the request's and response's headers
 * (`req.headers.authorization`, `res.headers["set-cookie"]`). pino's paths name places, not
 * "anywhere", and each leading wildcard costs on every line: an object nested deeper is not
 * searched, so code logs summaries, not whole objects.
 */
export const REDACT_PATHS: readonly string[] = Object.freeze(
  PLACES.flatMap((place) =>
    SECRET_FIELDS.map((field) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
      if (!place) return key;
      return key.startsWith('[') ? `${place}${key}` : `${place}.${key}`;
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

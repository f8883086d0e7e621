import type { ErrorRenderer } from '@obo/server';
import {
  bearerErrorBody,
  formatBearerChallenge,
  TokenValidationError,
} from '@obo/token-validation';

/** The RFC 6750 realm of every `WWW-Authenticate` challenge the API sends. */
export const API_REALM = 'api';

/**
 * A `WWW-Authenticate` challenge in the API's realm, e.g.
 * `apiChallenge({ error: 'insufficient_claims', error_description: '…', claims })`;
 * attributes in the order given, undefined ones left out, values quote-safe.
 */
export function apiChallenge(attributes: Readonly<Record<string, string | undefined>>): string {
  return formatBearerChallenge(API_REALM, attributes);
}

const GENERIC = 'An unexpected error occurred.';

/**
 * The API's one renderer (behind `@obo/server`'s `errorHandler`, which has set the error's
 * headers): JSON `{error, error_description, …details, correlationId}`. Bearer failures take
 * their OAuth body from `bearerErrorBody` (`invalid_token`, `insufficient_scope`, …); an
 * unexposed error shows only `server_error` and a generic text.
 */
export const renderApiError: ErrorRenderer = (error, _req, res) => {
  const body: Record<string, unknown> =
    error instanceof TokenValidationError
      ? { ...bearerErrorBody(error) }
      : error.expose
        ? { error: error.code, error_description: error.message }
        : { error: 'server_error', error_description: GENERIC };
  if (error.expose) {
    for (const [name, value] of Object.entries(error.details))
      if (!(name in body)) body[name] = value;
  }
  body.correlationId = res.locals.correlationId;
  res.status(error.status).json(body);
};

import type { TokenValidationError } from '@obo/token-validation';
import { GRAPH_APP_ID } from '../directory';
import type { FaultSpec } from '../faults';
import type { Site } from '../sites/site';
import { GraphError } from './wire';

/** Graph's 403 for a caller without the privilege (and nothing changed). */
export const insufficientPrivileges = () =>
  new GraphError(
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );

/** Graph's 404 for an object id it does not know. */
export const resourceNotFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

/** Graph's 400 for a request it cannot read or does not serve. */
export const badRequest = (message: string) => new GraphError(400, 'Request_BadRequest', message);

/**
 * Graph's 401 (`InvalidAuthenticationToken`) with its `WWW-Authenticate`: where to get a token,
 * and Graph's client id; with `claims` (JSON), the Continuous Access Evaluation challenge
 * (`error="insufficient_claims"`, the claims base64-encoded) a CAE-capable client answers by
 * getting a new token with those claims.
 */
export function graphUnauthenticated(
  authorizationUri: string,
  message: string,
  claims?: string,
): GraphError {
  const challenge = [
    'Bearer realm=""',
    `authorization_uri="${authorizationUri}"`,
    `client_id="${GRAPH_APP_ID}"`,
    ...(claims
      ? ['error="insufficient_claims"', `claims="${Buffer.from(claims).toString('base64')}"`]
      : []),
  ].join(', ');
  return new GraphError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': challenge,
  });
}

/**
 * Where Graph's challenges send a client for a token: `https://login.microsoftonline.com/common/
 * oauth2/authorize` on graph.microsoft.com (as Graph writes it), the emulator's own locally.
 */
export function graphChallengeAuthority(site: Site): string {
  return `${site.names.login}/common/oauth2/authorize`;
}

/**
 * A token @obo/token-validation refused, as Graph answers it: a valid token without any
 * permission is a known caller without the privilege (403), anything else a 401.
 */
export function graphTokenError(authorizationUri: string, err: TokenValidationError): GraphError {
  if (err.code === 'ERR_TOKEN_NO_PERMISSIONS') return insufficientPrivileges();
  return graphUnauthenticated(authorizationUri, `Access token validation failure: ${err.code}.`);
}

/** Graph's code for an injected status: what Graph itself answers with it. */
const FAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  429: 'TooManyRequests',
  500: 'generalException',
  503: 'serviceNotAvailable',
  504: 'gatewayTimeout',
};

/**
 * The Graph error an injected `graph` fault answers with (Retry-After on 429 and 503; a 401
 * challenges for `authorizationUri`).
 */
export function graphFaultError(authorizationUri: string, fault: FaultSpec): GraphError {
  const spec = fault.graphError;
  const status = spec?.status ?? fault.status ?? 500;
  const code = spec?.code ?? FAULT_CODES[status] ?? 'UnknownError';
  const message = spec?.message ?? `Injected fault: ${code}.`;
  if (status === 401) return graphUnauthenticated(authorizationUri, message, spec?.claims);
  const retryAfter = spec?.retryAfter ?? (status === 429 || status === 503 ? 1 : undefined);
  return new GraphError(
    status,
    code,
    message,
    retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
  );
}

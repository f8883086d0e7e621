import type { TokenValidationError } from '@obo/token-validation';
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
 * A token @obo/token-validation refused, as Graph answers it: a valid token without any
 * permission is a known caller without the privilege (403), anything else a 401.
 */
export function graphTokenError(err: TokenValidationError): GraphError {
  if (err.code === 'ERR_TOKEN_NO_PERMISSIONS') return insufficientPrivileges();
  return new GraphError(
    401,
    'InvalidAuthenticationToken',
    `Access token validation failure: ${err.code}.`,
  );
}

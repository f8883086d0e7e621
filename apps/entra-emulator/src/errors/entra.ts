import { AadError } from './wire';

/** Entra's errors the emulator raises, with Entra's codes and wording. */
export const aad = {
  malformed: (detail = 'Request is malformed or invalid.') =>
    new AadError(9002313, 'invalid_request', `Invalid request. ${detail}`),
  missingParameter: (name: string) =>
    new AadError(
      900144,
      'invalid_request',
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unknownTenant: (tenant: string) =>
    new AadError(
      90002,
      'invalid_request',
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  unknownClient: (clientId: string, tenant: string) =>
    new AadError(
      700016,
      'unauthorized_client',
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  badSecret: (clientId: string) =>
    new AadError(
      7000215,
      'invalid_client',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  missingCredential: () =>
    new AadError(
      7000218,
      'invalid_client',
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidScope: (scope: string) =>
    new AadError(
      70011,
      'invalid_scope',
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  badPassword: () =>
    new AadError(
      50126,
      'invalid_grant',
      'Error validating credentials due to invalid username or password.',
    ),
  expiredGrant: () =>
    new AadError(
      70008,
      'invalid_grant',
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  serverError: () =>
    new AadError(90033, 'server_error', 'An unexpected error occurred.', { status: 500 }),
} as const;

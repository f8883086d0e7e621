import { AadError } from './wire';

/**
 * Entra's errors, with Entra's codes and wording: the workforce tenant's dialect, and the base
 * the customer tenants' dialect (`customer.ts`) overrides. Code shared by every tenant raises
 * errors through `realm.tenant.errors`, so each tenant answers in its own numbering; code that
 * serves the workforce tenant only uses `aad` directly.
 */
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
  /** A tenant that advertises Entra's v1 endpoints (External ID) but is not emulated there. */
  v1NotServed: (endpoint: 'authorize' | 'token', base: string): AadError =>
    aad.malformed(
      `The emulator serves this tenant's v1 document and sign-out, not its v1 ${endpoint} endpoint: use ${base}/oauth2/v2.0/${endpoint}.`,
    ),
  /** Instance discovery asked about a host that is no Entra instance. */
  invalidInstance: () => new AadError(50049, 'invalid_instance', 'Unknown or invalid instance.'),
  serverError: () =>
    new AadError(90033, 'server_error', 'An unexpected error occurred.', { status: 500 }),

  // The token endpoint: grant type and client authentication.
  missingGrantType: (): AadError => aad.missingParameter('grant_type'),
  unsupportedGrant: (grantType: string) =>
    new AadError(
      70003,
      'unsupported_grant_type',
      `The app requested an unsupported grant type '${grantType}'.`,
    ),
  missingClientId: (_tenant: string): AadError => aad.missingParameter('client_id'),
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
  /** A `client_assertion` refused (AADSTS700027 signature, 700024 time, 70021 no FIC, …). */
  badClientAssertion: (aadsts: number, message: string) =>
    new AadError(aadsts, 'invalid_client', message),

  // Codes and refresh tokens.
  invalidCode: (): AadError =>
    aad.malformed("The provided value for the input parameter 'code' is not valid."),
  invalidRefreshToken: (): AadError =>
    aad.malformed("The provided value for the input parameter 'refresh_token' is not valid."),
  expiredGrant: () =>
    new AadError(
      70008,
      'invalid_grant',
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  grantOfAnotherClient: (grant: 'code' | 'refresh token') =>
    new AadError(
      70000,
      'invalid_grant',
      `Provided grant is invalid or malformed: the ${grant} was issued to another client.`,
    ),
  /** The user a code or refresh token was issued to no longer exists. */
  userGone: (): AadError => aad.expiredGrant(),
  redirectMismatch: (redirectUri: string) =>
    new AadError(
      50011,
      'invalid_grant',
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URI used in the authorization request.`,
    ),
  pkceMissing: () =>
    new AadError(
      50148,
      'invalid_grant',
      'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
    ),
  pkceMismatch: () =>
    new AadError(
      501481,
      'invalid_grant',
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),

  // Scopes and resources.
  invalidScope: (scope: string) =>
    new AadError(
      70011,
      'invalid_scope',
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  multipleResources: () =>
    new AadError(
      28000,
      'invalid_scope',
      'Provided value for the input parameter scope is not valid because it contains more than one resource.',
    ),
  unknownResource: (resource: string, tenantDomain: string) =>
    new AadError(
      500011,
      'invalid_resource',
      `The resource principal named ${resource} was not found in the tenant named ${tenantDomain}.`,
    ),

  // On-Behalf-Of: the user's access token the middle tier presents.
  invalidAssertion: () =>
    new AadError(50027, 'invalid_request', 'JWT token is invalid or malformed.'),
  assertionSignature: (reason: string, kid: unknown) =>
    new AadError(
      50013,
      'invalid_grant',
      `Assertion failed signature validation. [Reason - ${reason}, Thumbprint of key used by client: '${String(kid ?? '')}']`,
    ),
  assertionIssuer: (issuer: unknown) =>
    new AadError(
      50013,
      'invalid_grant',
      `Assertion contains an invalid issuer '${String(issuer)}'.`,
    ),
  assertionExpired: (now: number, exp: unknown) =>
    new AadError(
      500133,
      'invalid_grant',
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${new Date(now).toISOString()}, expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'none'}.`,
    ),
  assertionAudience: (audience: unknown, clientId: string) =>
    new AadError(
      50013,
      'invalid_grant',
      `Assertion failed signature validation. [Reason - Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${String(audience)}' and the expected audience is '${clientId}' or one of the Application Id URIs of this application.]`,
    ),
  assertionTenant: () =>
    new AadError(50013, 'invalid_grant', 'Assertion was issued for another tenant.'),
  assertionAppOnly: () =>
    new AadError(
      50013,
      'invalid_grant',
      'Assertion is an application-only token. On-Behalf-Of requires a delegated token issued to a user.',
    ),
  unknownUser: (userId: unknown, tenantId: string) =>
    new AadError(
      50034,
      'invalid_grant',
      `The user account ${String(userId)} does not exist in the ${tenantId} directory.`,
    ),

  // Continuous Access Evaluation: the user's critical events.
  userDisabled: () => new AadError(50057, 'invalid_grant', 'The user account is disabled.'),
  /** A grant (refresh token, code, assertion) whose authentication predates a critical event. */
  grantRevoked: (issuedAt: number, validFrom: number) =>
    new AadError(
      50173,
      'invalid_grant',
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(issuedAt).toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(validFrom).toISOString()}'.`,
      { suberror: 'bad_token' },
    ),

  // Authorize and the sign-in pages.
  unregisteredRedirectUri: (redirectUri: string, clientId: string) =>
    new AadError(
      50011,
      'invalid_request',
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  unsupportedResponseType: (responseType: string) =>
    new AadError(
      700054,
      'unsupported_response_type',
      `response_type '${responseType}' is not supported; use 'code'.`,
    ),
  invalidPrompt: (prompt: string) =>
    new AadError(90023, 'invalid_request', `Invalid prompt value '${prompt}'.`),
  invalidPkceMethod: () =>
    new AadError(
      501491,
      'invalid_request',
      "Invalid code_challenge_method; use 'S256' or 'plain'.",
    ),
  loginRequired: () =>
    new AadError(
      50058,
      'login_required',
      'A silent sign-in request was sent but no user is signed in.',
    ),
  /** A sign-in page posted after its transaction expired, or from another browser. */
  signInExpired: (detail = 'The sign-in session expired. Start again from the application.') =>
    new AadError(50058, 'login_required', detail),
  badPassword: () =>
    new AadError(
      50126,
      'invalid_grant',
      'Error validating credentials due to invalid username or password.',
    ),
};

/** The errors a tenant raises: Entra's, or its own numbering of the same failures. */
export type ErrorCatalogue = typeof aad;

import { aad, type ErrorCatalogue } from './entra';
import { AadError, type OAuthErrorCode } from './wire';

const b2c = (code: number, error: OAuthErrorCode, message: string) =>
  new AadError(code, error, message, { prefix: 'AADB2C' });

/** B2C's one answer for a code or refresh token it will not redeem, whatever the reason. */
const grantExpired = () =>
  b2c(
    90080,
    'invalid_grant',
    'The provided grant has expired. Please re-authenticate and try again.',
  );
/** B2C's one answer for a client credential it does not accept. */
const badClientCredential = () =>
  b2c(
    90081,
    'invalid_client',
    'The specified client_secret does not match the expected value for this client.',
  );
const unknownClient = (clientId: string, tenant: string) =>
  b2c(
    90018,
    'unauthorized_client',
    `The client id '${clientId}' specified in the request is not registered in tenant '${tenant}'.`,
  );

/**
 * Azure AD B2C's dialect: where B2C numbers a failure itself (AADB2C…), its number and wording;
 * everything else as Entra says it. (External ID is an Entra tenant and answers like Entra.)
 */
export const b2cErrors: ErrorCatalogue = {
  ...aad,
  missingGrantType: () => b2cErrors.unsupportedGrant(''),
  missingClientId: (tenant) => unknownClient('', tenant),
  missingParameter: (name) =>
    name === 'code' || name === 'refresh_token' ? grantExpired() : aad.missingParameter(name),
  unknownClient,
  badSecret: badClientCredential,
  missingCredential: badClientCredential,
  badClientAssertion: badClientCredential,
  invalidCode: grantExpired,
  invalidRefreshToken: grantExpired,
  expiredGrant: grantExpired,
  grantOfAnotherClient: grantExpired,
  userGone: () => b2c(99002, 'invalid_grant', 'This user does not exist.'),
  redirectMismatch: () =>
    b2c(
      90006,
      'invalid_request',
      'The redirect URI provided in the request does not match the one of the authorization request.',
    ),
  pkceMissing: () => b2c(90183, 'invalid_grant', 'The supplied code_verifier is invalid.'),
  pkceMismatch: () => b2c(90183, 'invalid_grant', 'The supplied code_verifier is invalid.'),
  invalidScope: (scope) =>
    b2c(90117, 'invalid_request', `The scope '${scope}' provided in the request is not supported.`),
  unregisteredRedirectUri: (redirectUri, clientId) =>
    b2c(
      90006,
      'invalid_request',
      `The redirect URI '${redirectUri}' provided in the request is not registered for the client id '${clientId}'.`,
    ),
  unsupportedResponseType: () =>
    b2c(90079, 'unsupported_response_type', 'Only response_type=code is emulated.'),
  signInExpired: (detail = 'The sign-in page has expired. Start again from the application.') =>
    b2c(90208, 'invalid_request', detail),
  unsupportedGrant: (grantType) =>
    b2c(
      90086,
      'unsupported_grant_type',
      `The supplied grant_type [${grantType}] is not supported.`,
    ),
};

/** B2C-only failures (no Entra equivalent). */
export const b2cOnly = {
  forgotPassword: () => b2c(90118, 'access_denied', 'The user has forgotten their password.'),
};

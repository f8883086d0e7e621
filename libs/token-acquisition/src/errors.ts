import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { ServiceError } from '@obo/errors';

export type TokenAcquisitionErrorCode =
  /** The user must sign in again, e.g. MFA / Conditional Access (a `claims` challenge may come with it). */
  | 'interaction_required'
  /** The user (or an admin) has not consented to the downstream scopes. */
  | 'consent_required'
  /** Entra refused the incoming token as an assertion (expired, malformed, wrong audience…). */
  | 'invalid_assertion'
  /**
   * The assertion is fine but its user cannot be served: unknown in the tenant, disabled,
   * locked, not assigned to the downstream app, or blocked by policy. An admin must act.
   */
  | 'user_access_denied'
  /** The token endpoint failed, throttled, or could not be reached; try again later. */
  | 'token_endpoint_unavailable'
  /**
   * Our own registration, credential or configuration was refused (bad or expired secret or
   * certificate, unknown app, unknown tenant, a downstream scope or resource that does not exist).
   */
  | 'client_misconfigured'
  /** The identity provider has no On-Behalf-Of flow (Azure AD B2C: AADB2C90086). */
  | 'obo_not_supported'
  /** The user's token cache holds no account for the signed-in user: sign in again. */
  | 'account_missing'
  /** Anything else the token endpoint refused. */
  | 'token_acquisition_failed';

const STATUS: Record<TokenAcquisitionErrorCode, number> = {
  interaction_required: 403,
  consent_required: 403,
  invalid_assertion: 401,
  user_access_denied: 403,
  token_endpoint_unavailable: 503,
  client_misconfigured: 502,
  obo_not_supported: 501,
  account_missing: 401,
  token_acquisition_failed: 502,
};

const MESSAGES: Record<TokenAcquisitionErrorCode, string> = {
  interaction_required:
    'The user must sign in again (for example to complete multi-factor authentication).',
  consent_required: 'The user has not consented to the downstream API.',
  invalid_assertion:
    'The access token cannot be exchanged: it is expired, malformed or not meant for this API.',
  user_access_denied:
    'The identity provider refused a token for the user of this access token (the account is unknown in the tenant, disabled, locked, not assigned, or blocked by policy).',
  token_endpoint_unavailable: 'The identity provider is unavailable; try again shortly.',
  client_misconfigured:
    'The identity provider refused the API’s own registration, credentials or configuration.',
  obo_not_supported: 'The identity provider does not support the On-Behalf-Of flow.',
  account_missing: 'The signed-in account is not in its token cache; sign in again.',
  token_acquisition_failed: 'The identity provider refused the token request.',
};

/** What a {@link TokenAcquisitionError} carries besides its code. */
export type TokenAcquisitionDetails = {
  /** Claims challenge (JSON) from Entra, for a step-up sign-in. */
  claims?: string;
  /** AADSTS numbers Entra returned. */
  aadsts?: number[];
  /** AADB2C numbers Azure AD B2C returned (its error texts are never sent out). */
  aadb2c?: number[];
  suberror?: string;
  /** The provider's (or MSAL's) own error code, e.g. `invalid_grant`, `nonce_mismatch`. */
  error?: string;
  /** Seconds to wait before retrying (token endpoint unavailable). */
  retryAfterSeconds?: number;
};

/**
 * A failure to obtain a token — On-Behalf-Of the caller, silently from a user's cache, or by
 * redeeming a sign-in's code — reduced to what the caller can act on. The original MSAL error
 * is kept as `cause` for logs. Its message is our own, never the provider's text, except for a
 * failed code redemption, whose first line the web app shows on its sign-in error page (as it
 * shows errors that come back on the redirect).
 */
export class TokenAcquisitionError extends ServiceError {
  declare readonly code: TokenAcquisitionErrorCode;
  declare readonly details: Readonly<TokenAcquisitionDetails>;

  /** `message` defaults to our own text for `code`. */
  constructor(
    code: TokenAcquisitionErrorCode,
    message: string = MESSAGES[code],
    details: TokenAcquisitionDetails = {},
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { status: STATUS[code], expose: true, details, cause: options.cause });
  }

  /** The user must sign in again (or consent) before a token can be had. */
  get needsInteraction(): boolean {
    return this.code === 'interaction_required' || this.code === 'consent_required';
  }
}

/**
 * Entra's AADSTS numbers for an On-Behalf-Of request, sorted by whose problem they are
 * (meanings from Microsoft's AADSTS reference). A number listed here decides the outcome;
 * anything else falls back to the OAuth `error` (see {@link toTokenAcquisitionError}).
 */
export const AADSTS_OUTCOMES: Readonly<
  Record<
    Exclude<
      TokenAcquisitionErrorCode,
      'obo_not_supported' | 'account_missing' | 'token_acquisition_failed'
    >,
    readonly number[]
  >
> = {
  // The incoming token itself: a new access token fixes it.
  invalid_assertion: [
    50013, // InvalidAssertion (signature, issuer, audience…)
    500133, // assertion not within its valid time range (expired)
    50027, // InvalidJwtToken
    90016, // MissingRequiredClaim in the access token
    240002, // an ID token presented as a jwt-bearer assertion
  ],
  // The user must sign in again, interactively.
  interaction_required: [
    50076, // MFA required (claims challenge)
    50079, // MFA registration required
    50072, // MFA enrolment interrupt
    50074, // strong authentication required and not passed
    50078, // presented MFA expired
    50055, // password expired
    50144, // on-premises password expired
    50125, // password reset or registration interrupt
    50132, // session invalid: password expired or changed
    50133, // session revoked: password expired or changed
    50173, // grant revoked: a fresh sign-in is needed
    70043, // sign-in frequency (Conditional Access) exceeded
  ],
  consent_required: [
    65001, // DelegationDoesNotExist: no consent
    65004, // UserDeclinedConsent
    90094, // AdminConsentRequired
  ],
  // The assertion's user cannot be served: an admin must act, signing in again does not help.
  user_access_denied: [
    50034, // UserAccountNotFound in the tenant
    51004, // UserAccountNotInDirectory
    50020, // user from another identity provider, not a guest of the tenant
    50014, // guest user in pending state
    50057, // UserDisabled
    50053, // IdsLocked (or sign-in blocked from a malicious IP address)
    50105, // EntitlementGrantsNotFound: user not assigned to the app
    53003, // BlockedByConditionalAccess
    530032, // blocked by a tenant security policy
    530035, // BlockedBySecurityDefaults
    53011, // user blocked due to risk in the home tenant
    500212, // the user's outbound cross-tenant policy
    500213, // the resource tenant's inbound cross-tenant policy
    54000, // MinorUserBlockedLegalAgeGroupRule
  ],
  // Ours: the API's registration, credentials, tenant or configured downstream scope.
  client_misconfigured: [
    7000215, // invalid client secret
    7000222, // client secret expired
    70002, // InvalidClient: credential check failed
    7000218, // no client_secret or client_assertion
    700016, // application not found in the tenant
    700011, // application not found in the tenant (org id)
    70001, // application disabled
    7000112, // application disabled
    7000114, // application not allowed to make OBO calls
    700027, // client assertion: signature check failed
    700024, // client assertion not within its valid time range
    700021, // client assertion: application id does not match client_id
    700025, // public client presenting a credential
    700030, // certificate subject name not authorised
    50012, // AuthenticationFailed: client certificate or assertion refused
    50048, // client assertion subject does not match its issuer
    70021, // no federated identity credential matches the assertion
    700211, // federated credential: issuer not matched
    700212, // federated credential: audience not matched
    700213, // federated credential: subject not matched
    700229, // federated credential: not an app-only token
    90002, // InvalidTenantName: tenant not found
    50194, // single-tenant app used over /common
    500011, // downstream resource principal not found in the tenant
    70011, // InvalidScope
    28000, // scope names more than one resource
    28002, // scope not valid
    700022, // scope names more than one resource
    65005, // MisconfiguredApplication: resource missing from the required permissions
    650056, // MisconfiguredApplication: no permissions listed for the resource
    650057, // resource not in the app's requested permissions
  ],
  // Entra's own transient failures, whatever the HTTP status.
  token_endpoint_unavailable: [
    50033, // RetryableError
    90006, // ExternalServerRetryableError
    90024, // RequestBudgetExceededError
    90033, // MsodsServiceUnavailable
    90055, // TenantThrottlingError
    90090, // GraphRetryableError
  ],
};

const OUTCOME_BY_AADSTS = new Map<number, TokenAcquisitionErrorCode>(
  Object.entries(AADSTS_OUTCOMES).flatMap(([code, numbers]) =>
    numbers.map((n) => [n, code as TokenAcquisitionErrorCode] as const),
  ),
);

const INTERACTION_ERRORS = new Set(['interaction_required', 'consent_required', 'login_required']);
const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);
const UNAVAILABLE_ERRORS = new Set([
  'temporarily_unavailable',
  'network_error',
  'network_request_failed',
]);
/** B2C: the grant type is not supported (what B2C answers to an OBO request). */
const B2C_UNSUPPORTED_GRANT = 90086;
/** B2C: unknown client, wrong secret, client not allowed. */
const B2C_CLIENT_ERRORS = new Set([90018, 90081, 90079, 90117]);

/**
 * Maps anything MSAL threw into a TokenAcquisitionError, in this order: 429, 5xx and network
 * failures → unavailable; a known AADSTS number ({@link AADSTS_OUTCOMES}); then the OAuth
 * `error`: interaction_required / consent_required / login_required (or MSAL's
 * InteractionRequiredAuthError) → interaction or consent, invalid_client / unauthorized_client
 * → client_misconfigured, invalid_grant → invalid_assertion; anything else →
 * token_acquisition_failed (502).
 */
export function toTokenAcquisitionError(error: unknown): TokenAcquisitionError {
  if (error instanceof TokenAcquisitionError) return error;
  const e = error as {
    errorCode?: string;
    errorNo?: string | number;
    subError?: string;
    status?: number;
    claims?: string;
    errorMessage?: string;
  };
  const aadb2c = parseAadb2c(e);
  if (aadb2c.length > 0) return fromB2c(error, e, aadb2c);
  const interaction = error instanceof InteractionRequiredAuthError;
  if (!interaction && !(error instanceof ServerError) && !e.errorCode) return unavailable(error);

  const status = e.status ?? 0;
  if (status === 429 || status >= 500 || UNAVAILABLE_ERRORS.has(e.errorCode ?? '')) {
    return unavailable(error);
  }
  const aadsts = parseAadsts(e);
  const known = aadsts[0] === undefined ? undefined : OUTCOME_BY_AADSTS.get(aadsts[0]);
  const code = known ?? fallback(e, interaction);
  if (code === 'token_endpoint_unavailable') return unavailable(error);
  return new TokenAcquisitionError(
    code,
    MESSAGES[code],
    {
      aadsts,
      ...providerError(error),
      ...(e.claims ? { claims: e.claims } : {}),
      ...(e.subError ? { suberror: e.subError } : {}),
    },
    { cause: error },
  );
}

/** The outcome of an AADSTS number not in the table, from the OAuth `error` alone. */
function fallback(
  e: { errorCode?: string; subError?: string },
  interaction: boolean,
): TokenAcquisitionErrorCode {
  const errorCode = e.errorCode ?? '';
  if (errorCode === 'consent_required' || e.subError === 'consent_required') {
    return 'consent_required';
  }
  if (interaction || INTERACTION_ERRORS.has(errorCode)) return 'interaction_required';
  if (CLIENT_ERRORS.has(errorCode)) return 'client_misconfigured';
  if (errorCode === 'invalid_grant') return 'invalid_assertion';
  return 'token_acquisition_failed';
}

/** Azure AD B2C's answers, told apart by their AADB2C numbers. */
function fromB2c(
  error: unknown,
  e: { errorCode?: string; status?: number },
  aadb2c: number[],
): TokenAcquisitionError {
  const status = e.status ?? 0;
  if (status === 429 || status >= 500) return unavailable(error);
  if (aadb2c.includes(B2C_UNSUPPORTED_GRANT)) {
    return new TokenAcquisitionError(
      'obo_not_supported',
      'Azure AD B2C does not support the On-Behalf-Of flow (AADB2C90086); call downstream APIs with the user’s own token or with app permissions instead.',
      { aadb2c, ...providerError(error) },
      { cause: error },
    );
  }
  if (aadb2c.some((n) => B2C_CLIENT_ERRORS.has(n)) || e.errorCode === 'invalid_client') {
    return new TokenAcquisitionError(
      'client_misconfigured',
      MESSAGES.client_misconfigured,
      { aadb2c, ...providerError(error) },
      { cause: error },
    );
  }
  return new TokenAcquisitionError(
    'token_acquisition_failed',
    `The identity provider refused the token request (AADB2C${aadb2c[0]}).`,
    { aadb2c, ...providerError(error) },
    { cause: error },
  );
}

function unavailable(cause: unknown): TokenAcquisitionError {
  return new TokenAcquisitionError(
    'token_endpoint_unavailable',
    MESSAGES.token_endpoint_unavailable,
    { retryAfterSeconds: 30, ...providerError(cause) },
    { cause },
  );
}

/** MSAL's `errorCode` (the provider's OAuth `error`, or MSAL's own) when it is a plain token. */
function providerError(error: unknown): { error?: string } {
  const code = (error as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'string' && /^[\w.-]{1,100}$/.test(code) ? { error: code } : {};
}

function parseAadsts(e: { errorNo?: string | number; errorMessage?: string }): number[] {
  const fromNo =
    e.errorNo !== undefined && /^\d+$/.test(String(e.errorNo)) ? [Number(e.errorNo)] : [];
  if (fromNo.length) return fromNo;
  const match = /AADSTS(\d+)/.exec(e.errorMessage ?? '');
  return match ? [Number(match[1])] : [];
}

function parseAadb2c(e: { errorMessage?: string }): number[] {
  return [...(e.errorMessage ?? '').matchAll(/AADB2C(\d+)/g)].map((m) => Number(m[1]));
}

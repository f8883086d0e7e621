import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';

export type TokenAcquisitionErrorCode =
  /** The user must sign in again, e.g. MFA / Conditional Access (a `claims` challenge may come with it). */
  | 'interaction_required'
  /** The user (or an admin) has not consented to the downstream scopes. */
  | 'consent_required'
  /** Entra refused the incoming token as an assertion (expired, wrong audience…). */
  | 'invalid_assertion'
  /** The token endpoint failed, throttled, or could not be reached; try again later. */
  | 'token_endpoint_unavailable'
  /** Our own registration or credential was refused (bad secret, unknown app). */
  | 'client_misconfigured'
  /** The identity provider has no On-Behalf-Of flow (Azure AD B2C: AADB2C90086). */
  | 'obo_not_supported'
  /** Anything else the token endpoint refused. */
  | 'token_acquisition_failed';

const STATUS: Record<TokenAcquisitionErrorCode, number> = {
  interaction_required: 403,
  consent_required: 403,
  invalid_assertion: 401,
  token_endpoint_unavailable: 503,
  client_misconfigured: 502,
  obo_not_supported: 501,
  token_acquisition_failed: 502,
};

/**
 * A failure to obtain a token On-Behalf-Of the caller, reduced to what the caller can act
 * on. The original MSAL error is kept as `cause` for logs; its text is never sent out.
 */
export class TokenAcquisitionError extends Error {
  readonly status: number;
  readonly expose = true;

  constructor(
    readonly code: TokenAcquisitionErrorCode,
    message: string,
    readonly details: {
      /** Claims challenge (JSON) from Entra, for a step-up sign-in. */
      claims?: string;
      /** AADSTS numbers Entra returned. */
      aadsts?: number[];
      /** AADB2C numbers Azure AD B2C returned (its error texts are never sent out). */
      aadb2c?: number[];
      suberror?: string;
      /** Seconds to wait before retrying (token endpoint unavailable). */
      retryAfterSeconds?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TokenAcquisitionError';
    this.status = STATUS[code];
  }
}

const ASSERTION_ERRORS = new Set([50013, 500133, 50027, 50132, 50173, 700024]);
const CLIENT_ERRORS = new Set([7000215, 700016, 700027, 7000222, 700025, 90002, 50034]);
const CONSENT_ERRORS = new Set([65001, 65004]);
/** B2C: the grant type is not supported (what B2C answers to an OBO request). */
const B2C_UNSUPPORTED_GRANT = 90086;
/** B2C: unknown client, wrong secret, client not allowed. */
const B2C_CLIENT_ERRORS = new Set([90018, 90081, 90079, 90117]);

/** Maps anything MSAL threw into a TokenAcquisitionError. */
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
  const aadsts = parseAadsts(e);
  const first = aadsts[0];
  const aadb2c = parseAadb2c(e);
  if (aadb2c.length > 0) return fromB2c(error, e, aadb2c);

  if (
    error instanceof InteractionRequiredAuthError ||
    e.errorCode === 'interaction_required' ||
    e.errorCode === 'consent_required' ||
    e.errorCode === 'login_required'
  ) {
    const consent =
      e.errorCode === 'consent_required' ||
      e.subError === 'consent_required' ||
      (first !== undefined && CONSENT_ERRORS.has(first));
    return new TokenAcquisitionError(
      consent ? 'consent_required' : 'interaction_required',
      consent
        ? 'The user has not consented to the downstream API.'
        : 'The user must sign in again (for example to complete multi-factor authentication).',
      { claims: e.claims || undefined, aadsts, suberror: e.subError || undefined },
      { cause: error },
    );
  }
  if (first !== undefined && CONSENT_ERRORS.has(first)) {
    return new TokenAcquisitionError(
      'consent_required',
      'The user has not consented to the downstream API.',
      { aadsts },
      { cause: error },
    );
  }
  if (error instanceof ServerError || e.errorCode) {
    const status = e.status ?? 0;
    if (
      status === 429 ||
      status >= 500 ||
      e.errorCode === 'temporarily_unavailable' ||
      e.errorCode === 'network_error' ||
      e.errorCode === 'network_request_failed'
    ) {
      return unavailable(error);
    }
    if (
      e.errorCode === 'invalid_client' ||
      e.errorCode === 'unauthorized_client' ||
      (first !== undefined && CLIENT_ERRORS.has(first))
    ) {
      return new TokenAcquisitionError(
        'client_misconfigured',
        'The API’s own credentials were refused by the identity provider.',
        { aadsts },
        { cause: error },
      );
    }
    if (first !== undefined && ASSERTION_ERRORS.has(first)) {
      return new TokenAcquisitionError(
        'invalid_assertion',
        'The access token cannot be exchanged: it is expired or not meant for this API.',
        { aadsts },
        { cause: error },
      );
    }
    if (e.errorCode === 'invalid_grant') {
      return new TokenAcquisitionError(
        'invalid_assertion',
        'The access token cannot be exchanged.',
        { aadsts },
        { cause: error },
      );
    }
    return new TokenAcquisitionError(
      'token_acquisition_failed',
      'The identity provider refused the token request.',
      { aadsts },
      { cause: error },
    );
  }
  return unavailable(error);
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
      { aadb2c },
      { cause: error },
    );
  }
  if (aadb2c.some((n) => B2C_CLIENT_ERRORS.has(n)) || e.errorCode === 'invalid_client') {
    return new TokenAcquisitionError(
      'client_misconfigured',
      'The API’s own credentials were refused by the identity provider.',
      { aadb2c },
      { cause: error },
    );
  }
  return new TokenAcquisitionError(
    'token_acquisition_failed',
    `The identity provider refused the token request (AADB2C${aadb2c[0]}).`,
    { aadb2c },
    { cause: error },
  );
}

function unavailable(cause: unknown): TokenAcquisitionError {
  return new TokenAcquisitionError(
    'token_endpoint_unavailable',
    'The identity provider is unavailable; try again shortly.',
    { retryAfterSeconds: 30 },
    { cause },
  );
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

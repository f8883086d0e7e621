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
  /** Anything else the token endpoint refused. */
  | 'token_acquisition_failed';

const STATUS: Record<TokenAcquisitionErrorCode, number> = {
  interaction_required: 403,
  consent_required: 403,
  invalid_assertion: 401,
  token_endpoint_unavailable: 503,
  client_misconfigured: 502,
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

import { ServiceError } from '@obo/errors';

export type DownstreamErrorCode =
  /** No answer within the timeout (after the retries). */
  | 'downstream_timeout'
  /** No answer at all: refused, reset, TLS or DNS failure (after the retries). */
  | 'downstream_unavailable'
  /** 429 with a Retry-After too long to wait out, or a second 429. */
  | 'downstream_throttled'
  /** 401 with a Bearer `insufficient_claims` challenge: redo the token with `claims`. */
  | 'downstream_claims_challenge'
  /** A 2xx the caller cannot use: not JSON, wrong shape, a bad or foreign `nextLink`. */
  | 'downstream_bad_response'
  /** More `nextLink` pages than the client's bound. */
  | 'downstream_too_many_pages'
  /** Any other non-2xx answer (5xx after the retries). */
  | 'downstream_error';

/** A response as the downstream sent it (body parsed when it was JSON). */
export interface DownstreamResponse<T = unknown> {
  status: number;
  /**
   * Lower-case names; values as Node gives them (string, or string[] for set-cookie). From the
   * downstream client: `content-type`, `retry-after`, `www-authenticate` and the
   * `responseHeaders` it was given (axios's own adapter, behind a proxy: every header).
   */
  headers: Readonly<Record<string, unknown>>;
  data: T;
}

const STATUS: Record<DownstreamErrorCode, number> = {
  downstream_timeout: 504,
  downstream_unavailable: 502,
  downstream_throttled: 503,
  downstream_claims_challenge: 502,
  downstream_bad_response: 502,
  downstream_too_many_pages: 502,
  downstream_error: 502,
};

export interface DownstreamErrorOptions {
  /** The downstream's HTTP status, when it answered. */
  downstreamStatus?: number;
  /** The downstream's own error code (`{error: "…"}` or `{error: {code: "…"}}`), ≤ 100 chars. */
  downstreamCode?: string;
  /** Seconds the downstream asked to wait (`downstream_throttled`), when it said. */
  retryAfterSeconds?: number;
  /** The claims challenge (JSON text) to request a new token with. */
  claims?: string;
  /** The answer itself, for callers that read the downstream's own error protocol. */
  response?: DownstreamResponse;
  cause?: unknown;
}

/**
 * A failed call to a downstream service, described — never answered: each app maps it to its
 * own wire error. The HTTP `status` is what a gateway would answer (504, 502, 503 with
 * `retry-after` for throttling); messages name the service, never a token or a URL's query.
 */
export class DownstreamError extends ServiceError {
  declare readonly code: DownstreamErrorCode;
  readonly downstreamStatus?: number;
  readonly downstreamCode?: string;
  readonly retryAfterSeconds?: number;
  readonly claims?: string;
  /** Not enumerable, so a logged error does not carry the downstream's body. */
  declare readonly response?: DownstreamResponse;

  constructor(code: DownstreamErrorCode, message: string, options: DownstreamErrorOptions = {}) {
    const { downstreamStatus, downstreamCode, retryAfterSeconds, claims, response, cause } =
      options;
    super(code, message, {
      status: STATUS[code],
      cause,
      ...(code === 'downstream_throttled' && {
        headers: { 'retry-after': String(Math.max(1, retryAfterSeconds ?? 10)) },
      }),
    });
    if (downstreamStatus !== undefined) this.downstreamStatus = downstreamStatus;
    if (downstreamCode !== undefined) this.downstreamCode = downstreamCode;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
    if (claims !== undefined) this.claims = claims;
    Object.defineProperty(this, 'response', { value: response, enumerable: false });
  }
}

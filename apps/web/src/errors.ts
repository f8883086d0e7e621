import { ServiceError } from '@obo/errors';

/**
 * An error the web app answers with a page: a stable `code`, an HTTP `status`, and `expose`
 * (whether the message is safe to show; default `status < 500`). The error handler renders it as
 * an HTML page; unexposed errors are logged and shown generically.
 */
export class WebError extends ServiceError {
  /** Seconds after which a retry may succeed (sent as `Retry-After`), for temporary failures. */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { expose?: boolean; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(code, message, {
      status,
      expose: options.expose,
      cause: options.cause,
      headers:
        options.retryAfterSeconds === undefined
          ? undefined
          : { 'retry-after': String(options.retryAfterSeconds) },
    });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The session store (Redis) failed or did not answer in time. The session is not treated as
 * missing: the request is refused with 503 and `Retry-After`, and the session stays as it is.
 */
export class SessionStoreUnavailableError extends WebError {
  constructor(options: { cause?: unknown; retryAfterSeconds: number }) {
    super(
      503,
      'session_store_unavailable',
      'Sessions are unavailable for a moment (the session store does not answer). You have not been signed out: try again in a few seconds.',
      { expose: true, ...options },
    );
  }
}

/**
 * A failed sign-in: an IdP error on the redirect, a state mismatch, a missing or replayed code.
 * Rendered as the auth error page (400) with the IdP's `error` and `error_description`.
 */
export class SignInError extends WebError {
  readonly description: string;

  constructor(code: string, description: string, options: { cause?: unknown } = {}) {
    super(400, code, description, { expose: true, cause: options.cause });
    this.description = description;
  }
}

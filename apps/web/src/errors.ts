/**
 * The web app's one error type: a stable `code`, an HTTP `status`, and `expose` (whether the
 * message is safe to show). The error handler renders it as an HTML page; unexposed errors
 * are logged and shown generically.
 */
export class WebError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { expose?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebError';
    this.status = status;
    this.code = code;
    this.expose = options.expose ?? status < 500;
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
    this.name = 'SignInError';
    this.description = description;
  }
}

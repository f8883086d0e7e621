/** What a {@link ServiceError} carries besides its code and message. */
export interface ServiceErrorOptions {
  /** HTTP status the error is answered with, 400–599. Default 500. */
  status?: number;
  /** Whether `message` (and `details`) may be shown to the caller. Default: `status < 500`. */
  expose?: boolean;
  /** Response headers the answer must carry, e.g. `www-authenticate` or `retry-after`. */
  headers?: Readonly<Record<string, string>>;
  /** Structured fields safe to show with an exposed error, e.g. a claims challenge. */
  details?: Readonly<Record<string, unknown>>;
  /** What went wrong underneath; logged, never shown. */
  cause?: unknown;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_DETAILS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The one error base of the workspace. Libraries describe a failure with it — a stable string
 * `code` callers and tests compare, the HTTP `status` it maps to, whether its message is safe to
 * show (`expose`), headers and details the answer needs — and each app's renderer writes it to
 * the wire in that app's shape. Messages never contain a token, a secret or a password.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const status = options.status ?? 500;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`ServiceError status must be an integer from 400 to 599, got ${status}`);
    }
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ? { ...options.headers } : NO_HEADERS;
    this.details = options.details ? { ...options.details } : NO_DETAILS;
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

/**
 * An error the API answers with. `code` is the stable `error` field of the JSON body;
 * `expose` says whether `message` may be shown to the caller (otherwise a generic text is).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      headers?: Record<string, string>;
      body?: Record<string, unknown>;
      expose?: boolean;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }

  /** Our own errors carry safe messages; only wrapped unknown errors set `expose: false`. */
  get expose(): boolean {
    return this.extra.expose ?? true;
  }
}

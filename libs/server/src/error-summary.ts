/** How many `cause`s deep a summary follows. */
const MAX_CAUSES = 3;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  errorCode?: unknown;
  subError?: unknown;
  status?: unknown;
  statusCode?: unknown;
  cause?: unknown;
  details?: { aadsts?: unknown; aadb2c?: unknown; suberror?: unknown };
}

/**
 * An error as a log line may hold it: its name, message, stack, code, HTTP status, the
 * identity provider's error numbers and its causes — never its other properties (an HTTP
 * client's error carries the request, `Authorization` header included). Values that are not
 * errors are returned as they are. The code is written as `errorCode`: `code` is redacted
 * (it is also the name of the OAuth authorization code).
 */
export function errorSummary(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return summarize(value, true, 0);
}

/**
 * What an operator needs to know about the cause of an error the caller was told about: its
 * name, code, status and the identity provider's error numbers — not its message, which may
 * quote the provider's text or the caller's input.
 */
export function causeSummary(cause: unknown): Record<string, unknown> | undefined {
  if (!cause || typeof cause !== 'object') return undefined;
  return summarize(cause as ErrorLike, false, 0);
}

function summarize(error: ErrorLike, full: boolean, depth: number): Record<string, unknown> {
  const details = typeof error.details === 'object' && error.details ? error.details : {};
  const status = typeof error.status === 'number' ? error.status : error.statusCode;
  const summary: Record<string, unknown> = {
    name: typeof error.name === 'string' ? error.name : error.constructor?.name,
    errorCode: stringOrUndefined(error.errorCode) ?? stringOrUndefined(error.code),
    status: typeof status === 'number' ? status : undefined,
    subError: stringOrUndefined(error.subError) ?? stringOrUndefined(details.suberror),
    aadsts: nonEmpty(details.aadsts),
    aadb2c: nonEmpty(details.aadb2c),
  };
  if (full) {
    summary.message = stringOrUndefined(error.message);
    summary.stack = stringOrUndefined(error.stack);
    if (depth < MAX_CAUSES && error.cause instanceof Error) {
      summary.cause = summarize(error.cause, true, depth + 1);
    }
  }
  return summary;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function nonEmpty(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

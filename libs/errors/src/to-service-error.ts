import { ServiceError } from './service-error';

/** body-parser / http-errors `type`s and the codes they become. */
const FOREIGN_CODES: Readonly<Record<string, string>> = {
  'entity.too.large': 'payload_too_large',
  'entity.parse.failed': 'invalid_request',
  'entity.verify.failed': 'invalid_request',
  'request.aborted': 'request_aborted',
  'request.size.invalid': 'invalid_request',
  'stream.encoding.set': 'invalid_request',
  'charset.unsupported': 'unsupported_charset',
  'encoding.unsupported': 'unsupported_encoding',
  'parameters.too.many': 'invalid_request',
};

/** Generic texts for foreign client errors: their own messages may quote the request. */
const FOREIGN_MESSAGES: Readonly<Record<number, string>> = {
  413: 'The request body is too large.',
  415: 'The request body has an unsupported encoding or character set.',
};

/**
 * Any thrown value as a ServiceError: ours as they are; a foreign error that carries a 4xx
 * `status`/`statusCode` (body-parser, http-errors, express) as a client error with a stable code
 * and a generic message; anything else as an unexposed 500 `server_error` with the original as
 * `cause` (for the log, never for the caller).
 */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  const e = (error ?? {}) as { status?: unknown; statusCode?: unknown; type?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500) {
    const code = (typeof e.type === 'string' && FOREIGN_CODES[e.type]) || 'invalid_request';
    return new ServiceError(code, FOREIGN_MESSAGES[status] ?? 'The request is not valid.', {
      status,
      cause: error,
    });
  }
  return new ServiceError('server_error', 'An unexpected error occurred.', {
    status: 500,
    expose: false,
    cause: error,
  });
}

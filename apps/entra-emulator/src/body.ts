import { ServiceError, toServiceError } from '@obo/errors';
import { isTokenValidationError } from '@obo/token-validation';
import express, { type RequestHandler } from 'express';
import { aad } from './errors/entra';

/** Largest body any endpoint reads (Entra refuses bigger form posts too). */
const BODY_LIMIT = '64kb';
/**
 * Deepest JSON nesting a JSON endpoint accepts. Graph's and the control plane's bodies need
 * about 5 levels; a deeper document would only overflow the stack of whatever walks it next
 * (JSON.stringify, structuredClone, a schema validator).
 */
export const MAX_JSON_DEPTH = 64;

/** Why a request (its body, or its path's encoding) was refused before any handler saw it. */
export interface RequestProblem {
  /** 400 unreadable (compression, syntax, depth, path), 413 too large, 415 encoding or charset. */
  status: number;
  detail: string;
}

/** Form bodies as Entra accepts them: urlencoded, at most 64 KB, every parameter once. */
export function formBody(): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 200 }),
    (req, _res, next) => {
      const body: Record<string, string> = {};
      if (req.body && typeof req.body === 'object') {
        for (const [key, value] of Object.entries(req.body as Record<string, unknown>)) {
          if (typeof value !== 'string') {
            return next(aad.malformed(`The parameter '${key}' is duplicated.`));
          }
          body[key] = value;
        }
      }
      req.body = body;
      return next();
    },
  ];
}

/** JSON bodies (Graph, control plane): at most 64 KB and {@link MAX_JSON_DEPTH} levels deep. */
export function jsonBody(): RequestHandler[] {
  return [
    express.json({ limit: BODY_LIMIT }),
    (req, _res, next) => {
      if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
        return next(
          Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels.`), {
            status: 400,
            type: 'entity.too.deep',
          }),
        );
      }
      return next();
    },
  ];
}

/** True when `value` nests objects/arrays more than `max` levels (iterative: no stack to overflow). */
function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The errors a malformed request raises before any handler runs, as the request problem they
 * are: a client error by @obo/errors' `toServiceError` (body-parser's own, the zlib and brotli
 * errors of a body whose `Content-Encoding` does not match its bytes, {@link jsonBody}'s depth
 * limit, the router's URIError for a path segment that is not valid percent-encoding), worded
 * by the emulator. Our own errors and anything else are not request problems (undefined).
 */
export function requestProblem(err: unknown): RequestProblem | undefined {
  if (err instanceof ServiceError || isTokenValidationError(err)) return undefined;
  const { status } = toServiceError(err);
  return status < 500 ? { status, detail: problemDetail(err) } : undefined;
}

function problemDetail(err: unknown): string {
  if (err instanceof URIError) return 'The request path is not valid URL encoding.';
  const e = err as { type?: unknown; errno?: unknown };
  switch (e.type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return 'The request body is too large.';
    case 'encoding.unsupported':
      return 'The request body has an unsupported Content-Encoding.';
    case 'charset.unsupported':
      return 'The request body has an unsupported charset.';
    case 'entity.too.deep':
      return 'The request body is nested too deeply.';
  }
  if (typeof e.type === 'string') return 'The request body could not be parsed.';
  // zlib and brotli errors carry a numeric errno (Z_DATA_ERROR -3, Z_BUF_ERROR -5, …).
  if (typeof e.errno === 'number') return 'The request body does not match its Content-Encoding.';
  return 'The request is not valid.';
}

import type { IncomingMessage } from 'node:http';
import type { ValidatedToken } from '../types';

/** Options shared by the strategy, `authenticateBearer` and the guards. */
export interface BearerOptions {
  /** The RFC 6750 `realm` of every challenge. Default 'api'. */
  realm?: string;
}

/** The OAuth JSON body of a bearer failure (see `bearerErrorBody`). */
export interface BearerErrorBody {
  error: string;
  error_description: string;
}

interface BearerContext {
  token?: ValidatedToken;
  options: BearerOptions;
}

// Kept off the request object so nothing else (a body parser, another middleware) can forge it.
const contexts = new WeakMap<object, BearerContext>();

export function rememberOptions(req: IncomingMessage, options: BearerOptions): void {
  contexts.set(req, { ...contexts.get(req), options });
}

export function rememberToken(
  req: IncomingMessage,
  token: ValidatedToken,
  options: BearerOptions,
): void {
  contexts.set(req, { token, options });
}

/** The token our strategy validated for this request, or undefined. */
export function getValidatedToken(req: IncomingMessage): ValidatedToken | undefined {
  return contexts.get(req)?.token;
}

export function optionsOf(req: IncomingMessage): BearerOptions {
  return contexts.get(req)?.options ?? {};
}

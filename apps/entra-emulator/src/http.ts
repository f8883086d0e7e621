import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { EmulatorContext } from './context';
import { graphChallengeAuthority, graphFaultError } from './errors/graph';
import { siteOf } from './sites/site';
import { ArmError } from './errors/wire';
import { faultAadError, type FaultEndpoint, type FaultSpec } from './faults';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's correlation id (`client-request-id`, as MSAL sends it) or a new one. */
export function correlationId(req: Request): string {
  const res = req.res as (Response & { locals: { correlationId?: string } }) | undefined;
  if (res?.locals.correlationId) return res.locals.correlationId;
  const given =
    req.get('client-request-id') ??
    req.get('x-ms-correlation-request-id') ??
    req.get('x-ms-client-request-id');
  const id = given && GUID.test(given) ? given : randomUUID();
  if (res) res.locals.correlationId = id;
  return id;
}

/** The request's trace id (also sent as `x-ms-request-id`). */
export function traceId(res: Response): string {
  const locals = res.locals as { traceId?: string };
  locals.traceId ??= randomUUID();
  return locals.traceId;
}

/**
 * Entra's response headers on identity endpoints: `x-ms-request-id` (the trace id),
 * `client-request-id` echoed, and CORS for discovery, keys and token (Entra allows any origin
 * there so single-page apps can call them).
 */
export function identityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.set('x-ms-request-id', traceId(res));
    res.set('x-ms-ests-server', 'entra-emulator');
    const given = req.get('client-request-id');
    if (given) res.set('client-request-id', correlationId(req));
    if (/\/(discovery|oauth2\/v2\.0\/token|v2\.0\/\.well-known|\.well-known)/.test(req.path)) {
      res.set('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers':
            req.get('access-control-request-headers') ?? 'content-type',
          'Access-Control-Max-Age': '86400',
        });
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

export function parseCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // Ignore cookies that are not ours to decode.
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies an injected fault, if one matches: waits `delayMs`, then throws the fault's error
 * (Entra-shaped, ARM-shaped for `arm`, Graph-shaped for `graph`) or lets the request through.
 */
export async function applyFault(
  ctx: EmulatorContext,
  endpoint: FaultEndpoint,
  request: {
    /** The token request's grant (faults may target one). */
    grantType?: string;
    /** The response: a Graph 401's challenge names the authority of its site. */
    res?: Response;
  } = {},
): Promise<void> {
  const fault = ctx.faults.take(endpoint, request.grantType);
  if (!fault) return;
  if (fault.delayMs) await sleep(fault.delayMs);
  if (
    fault.status === undefined &&
    fault.aadsts === undefined &&
    fault.armError === undefined &&
    fault.graphError === undefined
  )
    return;
  if (endpoint === 'arm') throw armFaultError(fault);
  if (endpoint === 'graph') {
    const site = request.res ? siteOf(request.res) : ctx.sites.local;
    throw graphFaultError(graphChallengeAuthority(site), fault);
  }
  throw faultAadError(fault);
}

function armFaultError(fault: FaultSpec): ArmError {
  const status = fault.armError?.status ?? fault.status ?? 500;
  const code = fault.armError?.code ?? (status === 429 ? 'TooManyRequests' : 'InternalServerError');
  const headers: Record<string, string> = {};
  const retryAfter = fault.armError?.retryAfter ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return new ArmError(status, code, fault.armError?.message ?? `Injected fault: ${code}.`, headers);
}

/** Wraps an async handler so rejections reach Express's error handler. */
export function wrap(
  fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown> | unknown,
): RequestHandler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => fn(req, res, next))
      .catch(next);
  };
}

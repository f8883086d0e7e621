import { randomUUID } from 'node:crypto';
import { isTokenValidationError } from '@obo/token-validation';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { requestProblem, type RequestProblem } from '../body';
import type { EmulatorContext } from '../context';
import { correlationId, traceId } from '../http';
import { siteOf } from '../sites/site';
import { sendHtml } from '../views/html';
import { errorPage } from '../views/pages';
import { armChallengeAuthority, armTokenError } from './arm';
import { aad } from './entra';
import { graphChallengeAuthority, graphTokenError } from './graph';
import { AadError, ArmError, GraphError, PlainError, WireError } from './wire';

/**
 * What a router answers with, which decides how errors that are not yet wire errors (a body
 * that cannot be read, a refused bearer token, a bug) become one, and whether an OAuth error is
 * a JSON body (`oauth`: token, discovery, keys) or Entra's error page (`page`: sign-in pages).
 */
export type Surface = 'oauth' | 'page' | 'graph' | 'arm' | 'control';

/** How a tenant writes OAuth errors: Entra's body, or B2C's shorter one (also External ID's). */
export type OAuthDialect = 'entra' | 'customer';

/** The tenant answering a request (`res.locals.tenant`); by default the workforce tenant. */
interface Answering {
  dialect: OAuthDialect;
  displayName: string;
}

function answering(ctx: EmulatorContext, res: Response): Answering {
  return (
    (res.locals as { tenant?: Answering }).tenant ?? {
      dialect: 'entra',
      displayName: ctx.seed.tenant.displayName,
    }
  );
}

/** Entra's timestamp format: `2026-01-02 03:04:05Z`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** Entra's error response body. */
export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Entra's token-endpoint error body, field for field and in Entra's order. */
export function aadErrorBody(
  err: AadError,
  ctx: { correlationId?: string; traceId?: string; now: number; loginOrigin: string },
): AadErrorBody {
  const traceId = ctx.traceId ?? randomUUID();
  const correlationId = ctx.correlationId ?? randomUUID();
  const timestamp = entraTimestamp(ctx.now);
  const body: AadErrorBody = {
    error: err.error,
    error_description: `${err.code}: ${err.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.loginOrigin}/error?code=${err.aadsts}`,
  };
  if (err.suberror) body.suberror = err.suberror;
  if (err.claims) body.claims = err.claims;
  return body;
}

/** B2C's description: `AADB2C…: message`, then correlation id and timestamp lines. */
function customerDescription(ctx: EmulatorContext, req: Request, err: AadError): string {
  return `${err.code}: ${err.message}\r\nCorrelation ID: ${correlationId(req)}\r\nTimestamp: ${entraTimestamp(ctx.now())}`;
}

/** The OAuth error as the answering tenant's token endpoint writes it. */
function oauthBody(ctx: EmulatorContext, req: Request, res: Response, err: AadError): object {
  if (answering(ctx, res).dialect === 'customer') {
    return { error: err.error, error_description: customerDescription(ctx, req, err) };
  }
  return aadErrorBody(err, {
    traceId: traceId(res),
    correlationId: correlationId(req),
    now: ctx.now(),
    loginOrigin: siteOf(res).names.login,
  });
}

/** The OAuth error as the fields of a redirect to the client (query, fragment or form_post). */
export function oauthRedirectFields(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  err: AadError,
): Record<string, string> {
  if (answering(ctx, res).dialect === 'customer') {
    return { error: err.error, error_description: customerDescription(ctx, req, err) };
  }
  const body = aadErrorBody(err, {
    traceId: traceId(res),
    correlationId: correlationId(req),
    now: ctx.now(),
    loginOrigin: siteOf(res).names.login,
  });
  const fields: Record<string, string> = {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  };
  if (err.suberror) fields.suberror = err.suberror;
  return fields;
}

/** Writes a wire error: the one place each shape is rendered. */
export function sendError(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  err: WireError,
  surface: Surface = 'oauth',
): void {
  res.status(err.status).set(err.headers);
  if (err instanceof AadError) {
    if (surface !== 'page') {
      res.set('Cache-Control', 'no-store').json(oauthBody(ctx, req, res, err));
      return;
    }
    const tenant = answering(ctx, res);
    const html = errorPage({
      tenantName: tenant.displayName,
      code: err.code,
      message: err.message,
      correlationId: correlationId(req),
      timestamp: entraTimestamp(ctx.now()),
    });
    sendHtml(res, html, err.status);
    return;
  }
  if (err instanceof GraphError) {
    const requestId = randomUUID();
    res.json({
      error: {
        code: err.code,
        message: err.message,
        innerError: {
          date: new Date(ctx.now()).toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': req.get('client-request-id') ?? requestId,
        },
      },
    });
    return;
  }
  if (err instanceof ArmError) {
    res.json({ error: { code: err.code, message: err.message } });
    return;
  }
  res.json({ error: err.code, error_description: err.message });
}

/** A request the body parser or router refused, in the surface's shape. */
function problemError(problem: RequestProblem, surface: Surface): WireError {
  const { status, detail } = problem;
  switch (surface) {
    case 'graph': {
      const code =
        status === 413
          ? 'Request_EntityTooLarge'
          : status === 415
            ? 'UnsupportedMediaType'
            : 'BadRequest';
      return new GraphError(status, code, `Unable to read JSON request payload. ${detail}`);
    }
    case 'arm':
      return new ArmError(status, 'BadRequest', detail);
    case 'control':
      return new PlainError(status, 'invalid_request', detail);
    default: {
      const malformed = aad.malformed(detail);
      return new AadError(malformed.aadsts, malformed.error, malformed.message, { status });
    }
  }
}

/** A failure nobody meant to answer (a bug): logged, and a generic 500 in the surface's shape. */
function serverError(surface: Surface): WireError {
  switch (surface) {
    case 'graph':
      return new GraphError(500, 'generalException', 'An unexpected error occurred.');
    case 'arm':
      return new ArmError(500, 'InternalServerError', 'An unexpected error occurred.');
    case 'control':
      return new PlainError(500, 'server_error', 'Internal error.');
    default:
      return aad.serverError();
  }
}

/** Any thrown value as the wire error the surface answers with. */
function asWireError(
  ctx: EmulatorContext,
  res: Response,
  err: unknown,
  surface: Surface,
): WireError {
  if (err instanceof WireError) return err;
  if (isTokenValidationError(err)) {
    if (surface === 'arm') return armTokenError(armChallengeAuthority(ctx, res), err);
    if (surface === 'graph') return graphTokenError(graphChallengeAuthority(siteOf(res)), err);
  }
  const problem = requestProblem(err);
  if (problem) return problemError(problem, surface);
  ctx.logger?.error({ err }, 'unexpected error');
  return serverError(surface);
}

/**
 * The error handler of a router: whatever was thrown is answered in the router's surface,
 * rendered by {@link sendError}. Token requests refused are logged at debug level.
 */
export function errorHandler(ctx: EmulatorContext, surface: Surface): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const wire = asWireError(ctx, res, err, surface);
    if (wire instanceof AadError && surface === 'oauth') {
      ctx.logger?.debug({ aadsts: wire.aadsts }, 'token request refused');
    }
    return sendError(ctx, req, res, wire, surface);
  };
}

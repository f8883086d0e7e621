import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { oauthRedirectFields } from '../errors/render';
import type { AadError } from '../errors/wire';
import type { Realm } from '../tenants/tenant';
import { sendHtml } from '../views/html';
import { formPostPage } from '../views/pages';

/** Response modes the emulator answers in; anything else is answered as `query`. */
export const RESPONSE_MODES = ['query', 'fragment', 'form_post'];

/**
 * Hands the result (a code or an error) back to the client at its (already validated) redirect
 * URI, per `response_mode`, with the request's `state` (after the fields, unless they place it).
 */
export function respondToClient(
  realm: Realm,
  res: Response,
  params: Record<string, string>,
  fields: Record<string, string>,
): void {
  const all =
    params.state === undefined || 'state' in fields ? fields : { ...fields, state: params.state };
  res.set('Cache-Control', 'no-store');
  if (params.response_mode === 'form_post') {
    return sendHtml(res, formPostPage(params.redirect_uri, all, realm.tenant.displayName));
  }
  const query = new URLSearchParams(all).toString();
  if (params.response_mode === 'fragment') {
    return res.redirect(302, `${params.redirect_uri}#${query}`);
  }
  const separator = params.redirect_uri.includes('?') ? '&' : '?';
  return res.redirect(302, `${params.redirect_uri}${separator}${query}`);
}

/** An error sent back to the client (in the tenant's dialect). */
export function redirectError(
  ctx: EmulatorContext,
  realm: Realm,
  req: Request,
  res: Response,
  params: Record<string, string>,
  err: AadError,
): void {
  return respondToClient(realm, res, params, oauthRedirectFields(ctx, req, res, err));
}

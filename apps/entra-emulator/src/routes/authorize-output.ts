import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { oauthRedirectFields } from '../errors/render';
import type { AadError } from '../errors/wire';
import type { SeedApp } from '../seed/schema';
import type { Session, Transaction } from '../store';
import { sendHtml } from '../views/html';
import { consentPage, formPostPage, loginPage, mfaPage, pickerPage } from '../views/pages';

/** The sign-in page for one step of the flow. */
export function renderStep(
  ctx: EmulatorContext,
  res: Response,
  tx: Transaction,
  view: 'login' | 'select' | 'mfa' | 'consent',
  error?: string,
  session?: Session,
): void {
  const tenantName = ctx.seed.tenant.displayName;
  const action = `/${tx.tenant}/oauth2/v2.0/authorize/${view}`;
  const app = ctx.directory.app(tx.params.client_id) as SeedApp;
  const user = ctx.directory.user(tx.userId);
  if (view === 'login') {
    const loginHint = tx.params.login_hint;
    return sendHtml(
      res,
      loginPage({ tenantName, action, tx: tx.id, loginHint, error, clientName: app.displayName }),
    );
  }
  if (view === 'select') {
    const accounts = [...(session?.accounts.keys() ?? [])]
      .map((id) => ctx.directory.user(id))
      .filter((u) => u !== undefined);
    return sendHtml(res, pickerPage({ tenantName, action, tx: tx.id, accounts }));
  }
  if (!user)
    return sendHtml(res, loginPage({ tenantName, action, tx: tx.id, clientName: app.displayName }));
  if (view === 'mfa') return sendHtml(res, mfaPage({ tenantName, action, tx: tx.id, user }));
  const permissions = ctx.directory
    .parseScopeSet(tx.params.scope)
    .filter((request) => !request.implicit)
    .flatMap((request) =>
      (request.isDefault
        ? ctx.directory.requiredScopes(app, request.resource)
        : request.permissions
      ).map((s) => `${request.resource.displayName}: ${s}`),
    );
  return sendHtml(
    res,
    consentPage({
      tenantName,
      action,
      tx: tx.id,
      clientName: app.displayName,
      permissions,
      user,
    }),
  );
}

/** Hands the result (code or error) back to the client per `response_mode`. */
export function respondToClient(
  ctx: EmulatorContext,
  res: Response,
  p: Record<string, string>,
  fields: Record<string, string>,
): void {
  if (p.response_mode === 'form_post') {
    return sendHtml(res, formPostPage(p.redirect_uri, fields, ctx.seed.tenant.displayName));
  }
  const params = new URLSearchParams(fields).toString();
  if (p.response_mode === 'fragment') return res.redirect(302, `${p.redirect_uri}#${params}`);
  const sep = p.redirect_uri.includes('?') ? '&' : '?';
  return res.redirect(302, `${p.redirect_uri}${sep}${params}`);
}

/** An Entra error sent to the (already validated) redirect URI. */
export function redirectError(
  ctx: EmulatorContext,
  req: Request,
  res: Response,
  p: Record<string, string>,
  err: AadError,
): void {
  const fields = oauthRedirectFields(ctx, req, res, err);
  if (p.state !== undefined) fields.state = p.state;
  return respondToClient(ctx, res, p, fields);
}

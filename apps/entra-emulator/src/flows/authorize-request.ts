import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import type { AadError } from '../errors/wire';
import type { Realm, TenantClient } from '../tenants/tenant';
import { redirectError, RESPONSE_MODES } from './respond';

/** An authorize request whose client and redirect URI are known good. */
export interface AuthorizeRequest {
  app: TenantClient;
  /** Its string parameters; `prompt` only where the tenant honours it. */
  params: Record<string, string>;
}

/** The prompts Entra (and External ID) honour. */
export const PROMPTS: readonly string[] = ['none', 'login', 'consent', 'select_account', 'create'];

/**
 * The checks every tenant's authorize endpoint makes first. Until the client and its redirect
 * URI are known good, an error is the tenant's error page (thrown); after that, it goes back to
 * the client (response type, prompt, PKCE method) and this returns undefined. A prompt the
 * tenant does not honour is refused (Entra, External ID) or ignored (B2C).
 */
export function beginAuthorize(
  ctx: EmulatorContext,
  realm: Realm,
  req: Request,
  res: Response,
  query: Record<string, unknown>,
): AuthorizeRequest | undefined {
  const { tenant } = realm;
  const { errors } = tenant;
  const params = Object.fromEntries(
    Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  if (!params.client_id) throw errors.missingClientId(realm.name);
  const app = tenant.app(params.client_id);
  if (!app) throw errors.unknownClient(params.client_id, realm.name);
  if (!params.redirect_uri || !app.redirectUris.includes(params.redirect_uri)) {
    throw errors.unregisteredRedirectUri(params.redirect_uri ?? '', app.clientId);
  }
  if (params.response_mode && !RESPONSE_MODES.includes(params.response_mode)) {
    params.response_mode = 'query';
  }
  const refuse = (err: AadError) => {
    redirectError(ctx, realm, req, res, params, err);
    return undefined;
  };
  if (params.response_type !== 'code') {
    return refuse(errors.unsupportedResponseType(params.response_type ?? ''));
  }
  const prompt = params.prompt;
  if (prompt && !tenant.prompts.includes(prompt)) {
    if (tenant.refusesUnknownPrompts) return refuse(errors.invalidPrompt(prompt));
    delete params.prompt;
  }
  if (params.code_challenge_method && !['S256', 'plain'].includes(params.code_challenge_method)) {
    return refuse(errors.invalidPkceMethod());
  }
  return { app, params };
}

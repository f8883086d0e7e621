import type { Request } from 'express';
import type { EmulatorContext } from '../context';
import type { Realm } from '../tenants/tenant';
import type { TokenResponse } from '../tokens';

/** A token request, its tenant resolved and its form body read. */
export interface GrantRequest {
  ctx: EmulatorContext;
  realm: Realm;
  req: Request;
  body: Record<string, string | undefined>;
}

/** One grant type's handler: a token response, or an AadError in the tenant's dialect. */
export type Grant = (g: GrantRequest) => Promise<TokenResponse>;

/** The body parameter `name`; a missing or empty one is the tenant's missing-parameter error. */
export function required(g: GrantRequest, name: string): string {
  const value = g.body[name];
  if (value === undefined || value === '') throw g.realm.tenant.errors.missingParameter(name);
  return value;
}

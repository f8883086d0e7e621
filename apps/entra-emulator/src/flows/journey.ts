import type { Request, Response } from 'express';
import type { Realm } from '../tenants/tenant';

/**
 * A tenant's sign-in pages behind `/authorize`: Entra's (account, password, MFA, consent) or
 * B2C's and External ID's user flows (sign-up/sign-in, password reset, profile editing).
 * Both start with `beginAuthorize` and end with `respondToClient`, over the same browser state.
 */
export interface SignInJourney {
  /** `GET …/authorize` with v2 parameters: the first page, or straight back to the client. */
  start(realm: Realm, req: Request, res: Response, query: Record<string, unknown>): void;
  /** `GET …/authorize/{action}`, a link on a page; false when the journey has no such link. */
  link(realm: Realm, req: Request, res: Response, action: string): boolean;
  /** `POST …/authorize/{action}`, a form on a page; false when the journey has no such step. */
  step(realm: Realm, req: Request, res: Response, action: string): boolean;
}

/** Where a page of the journey posts to: `{tenant path}/oauth2/v2.0/authorize/{action}`. */
export function pageAction(realm: Realm, action: string): string {
  return `${new URL(realm.base).pathname}/oauth2/v2.0/authorize/${action}`;
}

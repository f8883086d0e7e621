import type { CookieOptions, Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { parseCookies } from '../http';
import { safeEqual } from '../safe-equal';
import type { Session, Transaction } from '../store';
import { opaque } from '../tenants/grant-store';
import type { Tenant } from '../tenants/tenant';

/** The cookies of a tenant's sign-in pages (Entra's and B2C's names differ). */
export interface PageCookies {
  /** The browser session (single sign-on). */
  session: string;
  /** Binds a sign-in's pages to the browser that opened them (no login CSRF). */
  flow: string;
}

const COOKIE: CookieOptions = { httpOnly: true, secure: true, sameSite: 'none', path: '/' };

export function setCookie(res: Response, name: string, value: string): void {
  res.cookie(name, value, COOKIE);
}

export function clearCookie(res: Response, name: string): void {
  res.clearCookie(name, COOKIE);
}

/** The browser's flow-cookie value: the one it has, or a new one set now. */
export function browserOf(req: Request, res: Response, tenant: Tenant): string {
  const existing = parseCookies(req)[tenant.cookies.flow];
  if (existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
  const value = opaque(24);
  setCookie(res, tenant.cookies.flow, value);
  return value;
}

/** True when the page post comes from the browser that started the sign-in. */
export function fromSameBrowser(req: Request, tx: Transaction): boolean {
  const cookie = parseCookies(req)[tx.realm.tenant.cookies.flow];
  return cookie !== undefined && safeEqual(cookie, tx.browser);
}

/** The browser's session at the tenant, if it has one. */
export function sessionOf(ctx: EmulatorContext, req: Request, tenant: Tenant): Session | undefined {
  return ctx.store.session(parseCookies(req)[tenant.cookies.session], tenant.id);
}

/** A new browser session at the tenant, its cookie set. */
export function startSession(ctx: EmulatorContext, res: Response, tenant: Tenant): Session {
  const session = ctx.store.createSession(tenant.id);
  setCookie(res, tenant.cookies.session, session.id);
  return session;
}

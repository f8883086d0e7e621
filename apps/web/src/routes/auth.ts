import { Router, type Request, type Response } from 'express';
import { summarizeClaims } from '../auth/challenge';
import { safeReturnTo } from '../auth/return-to';
import { sessionCachePartition } from '../auth/session-cache';
import { sessionUserOf } from '../auth/sign-in';
import type { WebContext } from '../context';
import { SignInError } from '../errors';
import { issueCsrfToken, refuseCrossSite, verifyCsrf } from '../middleware/csrf';
import { SESSION_COOKIE } from '../middleware/session';
import { destroySession, regenerateSession, saveSession } from './session-helpers';

/** B2C's "forgot password" answer on the redirect (sent as error=access_denied). */
const B2C_FORGOT_PASSWORD = 'AADB2C90118';

/** `/login`, the redirect path, `/logout` (POST with CSRF token; GET asks for confirmation). */
export function authRoutes(ctx: WebContext): Router {
  const router = Router();

  router.get('/login', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo) ?? '/';
    res.redirect(await ctx.signIn.start(req, res, { returnTo }));
  });

  router.get(ctx.config.redirectPath, async (req, res) => {
    let completed;
    try {
      completed = await ctx.signIn.complete(req, res);
    } catch (error) {
      const resetUrl = await passwordResetRedirect(ctx, req, res, error);
      if (resetUrl) return res.redirect(resetUrl);
      throw error;
    }
    const { pending, result, cache } = completed;
    // A new session id at sign-in: an id planted before sign-in (fixation) is worthless after.
    await regenerateSession(req);
    req.session.user = sessionUserOf(result);
    sessionCachePartition(req.session).write(cache);
    req.session.signedInAt = ctx.now();
    if (pending.reason === 'challenge') {
      req.session.steppedUpAt = ctx.now();
      req.session.reauthentication = {
        ...summarizeClaims(pending.claims),
        challengedAt: pending.createdAt,
        signedInAt: ctx.now(),
        returnTo: pending.returnTo,
      };
    }
    issueCsrfToken(req.session);
    // Saved before answering: if the store fails, the user sees 503, not a redirect to a
    // session that does not exist.
    await saveSession(req);
    ctx.logger.info({ correlationId: res.locals.correlationId, flow: pending.flow }, 'signed in');
    res.redirect(safeReturnTo(pending.returnTo) ?? '/');
  });

  router.post('/logout', refuseCrossSite, verifyCsrf, (req, res) => signOut(ctx, req, res));
  // A GET never signs out: any site can send the browser here (SameSite=Lax sends the cookie
  // on top-level GETs). It asks instead, with the CSRF-protected form.
  router.get('/logout', (req, res) => {
    if (!req.session.user) return res.redirect('/');
    ctx.views.send(req, res, 200, 'sign-out', 'Sign out');
  });

  return router;
}

/**
 * Signs out: drops the account from the user's token cache, destroys the session, clears the
 * cookie, and sends the browser to the authority's end-session endpoint.
 */
async function signOut(ctx: WebContext, req: Request, res: Response): Promise<void> {
  const user = req.session.user;
  if (user) await ctx.tokens.removeAccount(sessionCachePartition(req.session));
  await destroySession(req);
  res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
  res.set('cache-control', 'no-store');
  if (!user) return res.redirect('/');
  const loginHint = user.idTokenClaims.login_hint;
  res.redirect(
    ctx.config.identity.endSessionUrl({
      postLogoutRedirectUri: new URL('/', ctx.config.publicUrl).toString(),
      clientId: ctx.config.client.clientId,
      logoutHint: typeof loginHint === 'string' ? loginHint : undefined,
    }),
  );
}

/** B2C: "Forgot your password?" comes back as an error; start the reset user flow instead. */
async function passwordResetRedirect(
  ctx: WebContext,
  req: Request,
  res: Response,
  error: unknown,
): Promise<string | undefined> {
  if (!(error instanceof SignInError) || !error.description.includes(B2C_FORGOT_PASSWORD)) {
    return undefined;
  }
  if (!ctx.config.identity.signInAuthority('resetPassword')) return undefined;
  return ctx.signIn.start(req, res, { returnTo: '/', flow: 'resetPassword' });
}

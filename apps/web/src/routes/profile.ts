import { Router } from 'express';
import type { WebContext } from '../context';

/** Short explanations of the claims most ID tokens carry. */
export const CLAIM_DESCRIPTIONS: Record<string, string> = {
  aud: 'Audience: the client id of this app, the token’s intended recipient.',
  iss: 'Issuer: the authority (and tenant) that issued the token.',
  iat: 'Issued at: when the token was issued.',
  nbf: 'Not before: the token is not valid before this time.',
  exp: 'Expires: the token is not valid after this time.',
  name: 'Display name of the user.',
  preferred_username: 'The user’s sign-in name (e-mail or UPN); not a stable identifier.',
  oid: 'Object id: the user’s immutable id in the tenant; use it to key data about the user.',
  sub: 'Subject: a pairwise id of the user, unique to this app.',
  tid: 'Tenant id: the directory the user signed in to.',
  nonce: 'Value this app sent at sign-in, echoed to bind the token to that request.',
  ver: 'Token version (2.0 for the v2 endpoint).',
  uti: 'Internal token identifier.',
  rh: 'Internal claim used to revalidate tokens.',
  aio: 'Internal claim used by Entra ID.',
  email: 'The user’s e-mail address, when available.',
  amr: 'Authentication methods used (e.g. pwd, mfa).',
  acr: 'Authentication context class reference.',
  acrs: 'Authentication contexts satisfied.',
  idp: 'Identity provider that authenticated the user.',
  auth_time: 'When the user last authenticated.',
  login_hint: 'Opaque hint to sign this user in again.',
  sid: 'Session id of the user’s sign-in session.',
  xms_cc: 'Client capabilities this app declared (cp1: handles claims challenges).',
  emails: 'B2C: the user’s e-mail addresses.',
  tfp: 'B2C: the user flow (policy) that issued the token.',
  newUser: 'B2C: true when the user signed up in this sign-in.',
};

const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time']);

/** `/profile`: the ID token's claims; a 401 page when signed out. */
export function profileRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/profile', (req, res) => {
    const user = req.session.user;
    if (!user) {
      ctx.views.send(req, res, 401, 'unauthorized', 'Sign-in required', { returnTo: '/profile' });
      return;
    }
    const claims = Object.entries(user.idTokenClaims).map(([name, value]) => ({
      name,
      value: formatClaim(name, value),
      description: CLAIM_DESCRIPTIONS[name] ?? '',
    }));
    // B2C with an edit-profile user flow: a link that runs it and comes back here.
    const editProfileUrl = ctx.config.identity.signInAuthority('editProfile')
      ? '/edit-profile'
      : undefined;
    ctx.views.send(req, res, 200, 'profile', 'ID token details', { claims, editProfileUrl });
  });
  return router;
}

function formatClaim(name: string, value: unknown): string {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toISOString()})`;
  }
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

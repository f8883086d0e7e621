import type { SessionData } from 'express-session';

/** A sign-in in flight: what the redirect must match, kept until the code comes back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Local path to return to after sign-in. */
  returnTo: string;
  scopes: string[];
  /** Claims requested on the authorize URL (step-up); also sent on the code redemption. */
  claims?: string;
  /** Which user flow / authority the sign-in went to (B2C: sign-in, edit profile, reset). */
  flow: AuthFlow;
  /** Why the sign-in started: `challenge` arms the step-up loop guard. */
  reason: 'user' | 'challenge';
  /** Epoch ms. Pending sign-ins expire after PENDING_TTL_MS. */
  createdAt: number;
}

/** The signed-in user as the session holds it. */
export interface SessionUser {
  homeAccountId: string;
  name?: string;
  username?: string;
  /** The ID token's claims (decoded; rendered on /profile). */
  idTokenClaims: Record<string, unknown>;
}

/** User flows the authority can be chosen for; Entra/CIAM use `signIn` only. */
export type AuthFlow = 'signIn' | 'editProfile' | 'resetPassword';

declare module 'express-session' {
  interface SessionData {
    /** Sign-ins in flight, keyed by `state` (several tabs may sign in at once). */
    pending?: Record<string, PendingSignIn>;
    user?: SessionUser;
    /** This user's MSAL token cache, serialized: the partition is the session itself. */
    tokenCache?: string;
    /** Epoch ms of sign-in: the absolute lifetime counts from here. */
    signedInAt?: number;
    /** Epoch ms of the last sign-in made to answer an API challenge (loop guard). */
    steppedUpAt?: number;
    /** Synchronizer token for state-changing forms. */
    csrfToken?: string;
  }
}

export type { SessionData };

/** Pending sign-ins older than this are dropped (10 minutes). */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** At most this many sign-ins in flight per session. */
export const MAX_PENDING = 5;

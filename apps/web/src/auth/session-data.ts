import type { AuthFlow } from '@obo/config';
import type { SessionData } from 'express-session';
import type { ChallengeSummary } from './challenge';

/** The last sign-in made to answer a challenge (shown on /journey). */
export interface Reauthentication extends ChallengeSummary {
  /** Epoch ms the challenge sent the user to sign in. */
  challengedAt: number;
  /** Epoch ms the sign-in completed. */
  signedInAt: number;
  /** The page the user was on, and was sent back to. */
  returnTo: string;
}

/** The signed-in user as the session holds it. */
export interface SessionUser {
  homeAccountId: string;
  name?: string;
  username?: string;
  /** The ID token's claims (decoded; rendered on /profile). */
  idTokenClaims: Record<string, unknown>;
}

export type { AuthFlow };

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    /** This user's MSAL token cache, serialized: the partition is the session itself. */
    tokenCache?: string;
    /** Epoch ms of sign-in: the absolute lifetime counts from here. */
    signedInAt?: number;
    /** Epoch ms of the last sign-in made to answer an API challenge (loop guard). */
    steppedUpAt?: number;
    /** What that sign-in answered, and when (development: shown on /journey). */
    reauthentication?: Reauthentication;
    /** Synchronizer token for state-changing forms. */
    csrfToken?: string;
  }
}

export type { SessionData };

import type { UserCachePartition } from '@obo/token-acquisition';
import type { Session, SessionData } from 'express-session';

type UserSession = Session & Partial<SessionData>;

/**
 * The user's session as their MSAL cache partition: the serialized cache lives in the session
 * (memory or Redis) next to the signed-in user, so it is never shared between users.
 */
export function sessionCachePartition(session: UserSession): UserCachePartition {
  return {
    get homeAccountId() {
      return session.user?.homeAccountId;
    },
    read: () => session.tokenCache,
    write: (serialized) => {
      session.tokenCache = serialized;
    },
  };
}

import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import type { Session, SessionData } from 'express-session';
import type { MsalClientFactory } from './msal-client';

type UserSession = Session & Partial<SessionData>;

/** The session has a user but the token cache holds no matching account. */
export class AccountMissingError extends Error {
  readonly code = 'account_missing';
  constructor() {
    super('The signed-in account is not in the token cache.');
    this.name = 'AccountMissingError';
  }
}

/**
 * Runs `operation` with an MSAL client whose cache is this session's partition, then writes
 * the (possibly refreshed) cache back into the session. The account is looked up by the
 * session's `homeAccountId`, never by scanning a shared cache.
 */
export async function withUserCache<T>(
  factory: MsalClientFactory,
  session: UserSession,
  operation: (client: ReturnType<MsalClientFactory['create']>, account: AccountInfo) => Promise<T>,
): Promise<T> {
  const user = session.user;
  if (!user || !session.tokenCache) throw new AccountMissingError();
  const client = factory.create('signIn', session.tokenCache);
  const account = await client.getTokenCache().getAccountByHomeId(user.homeAccountId);
  if (!account) throw new AccountMissingError();
  try {
    return await operation(client, account);
  } finally {
    const serialized = client.getTokenCache().serialize();
    if (serialized !== session.tokenCache) session.tokenCache = serialized;
  }
}

/** Silently acquires an access token for `scopes` from the user's cache (refreshing if due). */
export function acquireTokenSilently(
  factory: MsalClientFactory,
  session: UserSession,
  scopes: string[],
  correlationId: string,
): Promise<AuthenticationResult> {
  return withUserCache(factory, session, (client, account) =>
    client.acquireTokenSilent({ account, scopes, correlationId }),
  );
}

/** Removes the user's account (and its tokens) from the session's cache. */
export async function removeUserAccount(
  factory: MsalClientFactory,
  session: UserSession,
): Promise<void> {
  try {
    await withUserCache(factory, session, (client, account) =>
      client.getTokenCache().removeAccount(account),
    );
  } catch (error) {
    if (!(error instanceof AccountMissingError)) throw error;
  }
}

import { randomBytes } from 'node:crypto';
import {
  CryptoProvider,
  type AccountInfo,
  type AuthenticationResult,
  type ConfidentialClientApplication,
  type INetworkModule,
} from '@azure/msal-node';
import type { AuthFlow, ClientConfig, IdentityProfile } from '@obo/config';
import { toTokenAcquisitionError, TokenAcquisitionError } from './errors';
import { createConfidentialClient, type MsalLog } from './msal-client';

/** Scopes asked for at every sign-in, besides the app's own (consent up front). */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access'];

/**
 * Where one user's MSAL token cache lives between requests. The web app implements it over the
 * user's session, so the session is the cache partition: each request gets an MSAL client whose
 * cache holds that user's tokens only, and no token can be served to another user.
 */
export interface UserCachePartition {
  /** The signed-in account's `homeAccountId`; undefined when no one is signed in. */
  readonly homeAccountId: string | undefined;
  /** The serialized MSAL cache the partition holds; undefined when it holds none. */
  read(): string | undefined;
  /** Keeps `serialized`; called only when an operation changed the cache. */
  write(serialized: string): void;
}

export interface UserTokenClientOptions {
  profile: IdentityProfile;
  client: ClientConfig;
  /** Where the authority sends the browser back with the code (an absolute URL). */
  redirectUri: string;
  /** Scopes consented to at sign-in and redeemed with the code, besides {@link OIDC_SCOPES}. */
  scopes: readonly string[];
  /** MSAL's transport, shared by every client. */
  networkClient: INetworkModule;
  log?: MsalLog;
}

/** A sign-in to start: which user flow, and what the authorize request adds. */
export interface AuthCodeRequest {
  /** Default `signIn`; B2C also has `editProfile` and `resetPassword`. */
  flow?: AuthFlow;
  /** Claims challenge (JSON) to satisfy. */
  claims?: string;
  prompt?: 'consent' | 'login' | 'select_account';
  loginHint?: string;
  /** Scopes to consent to besides the sign-in scopes (incremental consent). */
  extraScopesToConsent?: string[];
}

/** What the redirect must match; the caller keeps it until the code comes back, used once. */
export interface PendingAuthCode {
  state: string;
  nonce: string;
  /** The PKCE verifier (S256). */
  codeVerifier: string;
  flow: AuthFlow;
  claims?: string;
}

/** A redeemed code: the result (with its account) and the user's new serialized cache. */
export interface RedeemedCode {
  result: AuthenticationResult & { account: AccountInfo };
  cache: string;
}

/**
 * The web app's side of token acquisition (Microsoft.Identity.Web's user flows): the auth code
 * flow with PKCE, `state` and `nonce`; silent acquisition from the user's cache partition; and
 * the account's removal at sign-out. Every failure is a {@link TokenAcquisitionError}.
 */
export class UserTokenClient {
  private readonly crypto = new CryptoProvider();

  constructor(private readonly options: UserTokenClientOptions) {}

  /** The authorize URL for `request`, and what its redirect must match. */
  async authCodeUrl(
    request: AuthCodeRequest = {},
  ): Promise<{ url: string; pending: PendingAuthCode }> {
    const { verifier, challenge } = await this.crypto.generatePkceCodes();
    const flow = request.flow ?? 'signIn';
    const pending: PendingAuthCode = {
      state: randomBytes(32).toString('base64url'),
      nonce: randomBytes(32).toString('base64url'),
      codeVerifier: verifier,
      flow,
      claims: request.claims,
    };
    const url = await this.client(flow).getAuthCodeUrl({
      scopes: this.scopes,
      redirectUri: this.options.redirectUri,
      responseMode: 'query',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      claims: request.claims,
      prompt: request.prompt,
      loginHint: request.loginHint,
      extraScopesToConsent: request.extraScopesToConsent,
    });
    return { url, pending };
  }

  /**
   * Redeems `code` for the sign-in `pending` describes (its PKCE verifier, and the `state` and
   * `nonce` the ID token must match). A refusal keeps the provider's first line as its message.
   */
  async redeemCode(code: string, pending: PendingAuthCode): Promise<RedeemedCode> {
    const client = this.client(pending.flow);
    let result: AuthenticationResult;
    try {
      result = await client.acquireTokenByCode(
        {
          code,
          scopes: this.scopes,
          redirectUri: this.options.redirectUri,
          codeVerifier: pending.codeVerifier,
          // msal-node 7 checks state and nonce against these request fields.
          state: pending.state,
          nonce: pending.nonce,
          claims: pending.claims,
        },
        { code, state: pending.state },
      );
    } catch (error) {
      throw redemptionFailure(error);
    }
    if (!result.account) throw new TokenAcquisitionError('account_missing');
    return {
      result: { ...result, account: result.account },
      cache: client.getTokenCache().serialize(),
    };
  }

  /** A token for `scopes` from the partition's cache, refreshed at the token endpoint if due. */
  acquireTokenSilent(
    partition: UserCachePartition,
    scopes: string[],
    correlationId?: string,
  ): Promise<AuthenticationResult> {
    return this.withPartition(partition, async (client, account) => {
      try {
        return await client.acquireTokenSilent({ account, scopes, correlationId });
      } catch (error) {
        throw toTokenAcquisitionError(error);
      }
    });
  }

  /** Removes the signed-in account (and its tokens) from the partition; none there is fine. */
  async removeAccount(partition: UserCachePartition): Promise<void> {
    try {
      await this.withPartition(partition, (client, account) =>
        client.getTokenCache().removeAccount(account),
      );
    } catch (error) {
      if (!(error instanceof TokenAcquisitionError) || error.code !== 'account_missing')
        throw error;
    }
  }

  private get scopes(): string[] {
    return [...OIDC_SCOPES, ...this.options.scopes];
  }

  private client(flow: AuthFlow): ConfidentialClientApplication {
    const { profile, client, networkClient, log } = this.options;
    const authority = profile.signInAuthority(flow) ?? profile.authority;
    return createConfidentialClient(profile, client, { authority, networkClient, log });
  }

  /**
   * Runs `operation` with a client whose cache is the partition's, then writes the cache back
   * if it changed. The account is looked up by the partition's `homeAccountId`, never by
   * scanning a shared cache.
   */
  private async withPartition<T>(
    partition: UserCachePartition,
    operation: (client: ConfidentialClientApplication, account: AccountInfo) => Promise<T>,
  ): Promise<T> {
    const serialized = partition.read();
    if (!partition.homeAccountId || !serialized) throw new TokenAcquisitionError('account_missing');
    const client = this.client('signIn');
    const cache = client.getTokenCache();
    cache.deserialize(serialized);
    const account = await cache.getAccountByHomeId(partition.homeAccountId);
    if (!account) throw new TokenAcquisitionError('account_missing');
    try {
      return await operation(client, account);
    } finally {
      const after = cache.serialize();
      if (after !== serialized) partition.write(after);
    }
  }
}

/** A failed code redemption, carrying the provider's first line for the sign-in error page. */
function redemptionFailure(error: unknown): TokenAcquisitionError {
  const failure = toTokenAcquisitionError(error);
  const text = (error as { errorMessage?: unknown } | null)?.errorMessage;
  const message =
    typeof text === 'string' && text
      ? text.split(/\r?\n/)[0].slice(0, 500)
      : 'The sign-in could not be completed.';
  return new TokenAcquisitionError(failure.code, message, failure.details, { cause: error });
}

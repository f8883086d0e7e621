import { hash } from 'node:crypto';
import type { ConfidentialClientApplication, INetworkModule } from '@azure/msal-node';
import type { ClientConfig, IdentityProfile } from '@obo/config';
import type { CacheInvalidation } from './cache-invalidation';
import { toTokenAcquisitionError, TokenAcquisitionError } from './errors';
import { createConfidentialClient, forgetAccountsAndTokens, type MsalLog } from './msal-client';
import { NetworkClient } from '@obo/http';
import { SingleFlight } from './single-flight';
import { MemoryTokenCache, type CachedToken, type TokenCacheLevel } from './token-cache';

export interface OboClientOptions {
  identity: IdentityProfile;
  client: ClientConfig;
  /**
   * MSAL's transport. Default a keep-alive https client trusting `identity.extraCa`, whose
   * sockets {@link OboClient.close} releases (a client given here is the caller's to close).
   */
  networkClient?: INetworkModule;
  /** In-process cache. Default a MemoryTokenCache with its defaults, on this client's clock. */
  l1?: TokenCacheLevel;
  /** Shared cache (Redis), if any. */
  l2?: TokenCacheLevel;
  /**
   * How the instances sharing `l2` tell each other that a partition's token was replaced or
   * dropped after a claims challenge, so none keeps serving its L1 copy. Default none.
   */
  invalidation?: CacheInvalidation;
  /** Capabilities announced to Entra (`cp1` = can handle claims challenges). Default ['cp1']. */
  clientCapabilities?: readonly string[];
  /** Tokens this close to expiry count as expired, as in MSAL. Default 300 s. */
  refreshBufferSeconds?: number;
  /** Clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** Told about each call to the token endpoint and its outcome (for metrics). */
  onTokenRequest?: (outcome: 'success' | 'error') => void;
  /** Receives MSAL's warnings and errors (never PII). */
  log?: MsalLog;
}

export interface OboRequest {
  /** The incoming access token, already validated by the caller. */
  assertion: string;
  /**
   * The caller's tenant (`tid`): in a workforce tenant the exchange happens in that tenant,
   * never in common. B2C and External ID exchange at the configured authority (B2C tokens
   * carry no `tid`), so it may be omitted there.
   */
  tenantId?: string;
  scopes: string[];
  /**
   * A claims challenge to satisfy, e.g. a resource's CAE challenge: the cached token is
   * bypassed (as in MSAL) and then replaced in L1 and L2 — or, when the exchange fails, dropped
   * from both — and the other instances are told to forget their L1 copy.
   */
  claims?: string;
  correlationId?: string;
}

export interface OboResult {
  accessToken: string;
  /** Epoch ms. */
  expiresOn: number;
  scopes: string[];
  /** Where it came from: the in-process cache, the shared cache, or the token endpoint. */
  source: 'l1' | 'l2' | 'network';
}

/**
 * On-Behalf-Of exchange through MSAL Node with our own bounded cache in front.
 *
 * MSAL's in-memory cache is neither bounded nor partitioned per caller, and MSAL does not
 * consult a cache plugin before its OBO lookup, so MSAL's cache is never read (`skipCache`)
 * and never kept: one MSAL client per authority (built once, at most
 * {@link MAX_AUTHORITY_CLIENTS}), whose cache is emptied before each exchange (accounts, tokens
 * and throttling; not the endpoint metadata), so it holds at most the exchanges in flight. The result is kept in a cache partitioned by
 * SHA-256(assertion) + tenant + scopes: L1 in process (LRU bounded in entries and bytes, TTL =
 * token expiry), then L2 (Redis, shared by replicas). Concurrent requests for the same
 * partition share one exchange.
 */
export class OboClient {
  private readonly networkClient: INetworkModule;
  private readonly ownNetworkClient?: NetworkClient;
  private readonly l1: TokenCacheLevel;
  private readonly l2?: TokenCacheLevel;
  private readonly invalidation?: CacheInvalidation;
  private readonly bufferMs: number;
  private readonly now: () => number;
  private readonly flights = new SingleFlight<OboResult>();
  /** Set once the authority said it has no OBO (B2C): later calls fail without a request. */
  private unsupported?: TokenAcquisitionError;
  /** MSAL clients by authority (a workforce API exchanges in each caller's tenant). */
  private readonly clients = new Map<string, ConfidentialClientApplication>();

  constructor(private readonly options: OboClientOptions) {
    if (options.networkClient) {
      this.networkClient = options.networkClient;
    } else {
      this.ownNetworkClient = new NetworkClient({ ca: options.identity.extraCa?.pem });
      this.networkClient = this.ownNetworkClient;
    }
    this.now = options.now ?? Date.now;
    this.l1 = options.l1 ?? new MemoryTokenCache({ now: this.now });
    this.l2 = options.l2;
    this.invalidation = options.invalidation;
    this.invalidation?.subscribe((key) => void this.l1.delete(key));
    this.bufferMs = (options.refreshBufferSeconds ?? 300) * 1000;
  }

  /** Returns a token for `scopes` on behalf of the assertion's user, from cache when possible. */
  async acquire(request: OboRequest): Promise<OboResult> {
    if (this.unsupported) throw this.unsupported;
    const key = partitionKey(request);
    if (!request.claims) {
      const hit = this.fresh(await this.l1.get(key));
      if (hit) return { ...hit, source: 'l1' };
    }
    const flightKey = request.claims ? `${key}|claims:${sha256(request.claims)}` : key;
    return this.flights.run(flightKey, async () => {
      if (!request.claims && this.l2) {
        const shared = this.fresh(await this.l2.get(key));
        if (shared) {
          await this.l1.set(key, shared, shared.expiresOn - this.now() - this.bufferMs);
          return { ...shared, source: 'l2' };
        }
      }
      let token: CachedToken;
      try {
        token = await this.exchange(request);
      } catch (error) {
        // The challenged token must not be served again, here or by another instance.
        if (request.claims) await this.forget(key);
        throw error;
      }
      const ttl = token.expiresOn - this.now() - this.bufferMs;
      await this.l1.set(key, token, ttl);
      await this.l2?.set(key, token, ttl);
      if (request.claims) await this.invalidation?.publish(key);
      return { ...token, source: 'network' };
    });
  }

  /** Drops a partition's token from L1 and L2 and tells the other instances. */
  private async forget(key: string): Promise<void> {
    await this.l1.delete(key);
    await this.l2?.delete(key);
    await this.invalidation?.publish(key);
  }

  /** What the in-process cache holds now (for metrics): entries and approximate bytes. */
  l1Usage(): { entries: number; bytes: number } {
    return { entries: this.l1.size ?? 0, bytes: this.l1.bytes ?? 0 };
  }

  /**
   * What MSAL holds (diagnostics, tests): its clients (one per authority) and the records in
   * their own caches — at most those of the exchanges in flight, whatever has been exchanged.
   */
  msalUsage(): { clients: number; cacheRecords: number } {
    let cacheRecords = 0;
    for (const msal of this.clients.values()) {
      const cache = JSON.parse(msal.getTokenCache().serialize()) as Record<string, object>;
      for (const section of Object.values(cache)) cacheRecords += Object.keys(section).length;
    }
    return { clients: this.clients.size, cacheRecords };
  }

  /** Closes the keep-alive sockets of the network client it made (not of one it was given). */
  close(): void {
    this.ownNetworkClient?.close();
  }

  /** The authority's MSAL client, built on first use; the oldest goes when there are too many. */
  private clientFor(authority: string): ConfidentialClientApplication {
    let msal = this.clients.get(authority);
    if (!msal) {
      if (this.clients.size >= MAX_AUTHORITY_CLIENTS) {
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
      msal = createConfidentialClient(this.options.identity, this.options.client, {
        authority,
        networkClient: this.networkClient,
        log: this.options.log,
        capabilities: this.options.clientCapabilities,
      });
      this.clients.set(authority, msal);
    }
    return msal;
  }

  private fresh(token: CachedToken | undefined): CachedToken | undefined {
    return token && token.expiresOn - this.bufferMs > this.now() ? token : undefined;
  }

  private async exchange(request: OboRequest): Promise<CachedToken> {
    const { identity } = this.options;
    const authority = identity.oboAuthority(request.tenantId);
    if (!authority) {
      throw new TokenAcquisitionError(
        'invalid_assertion',
        'The access token names no tenant (tid) to exchange it in.',
      );
    }
    const msal = this.clientFor(authority);
    forgetAccountsAndTokens(msal);
    try {
      const result = await msal.acquireTokenOnBehalfOf({
        oboAssertion: request.assertion,
        scopes: request.scopes,
        authority,
        claims: request.claims,
        correlationId: request.correlationId,
        skipCache: true,
      });
      this.options.onTokenRequest?.('success');
      if (!result?.accessToken || !result.expiresOn) {
        throw new TokenAcquisitionError(
          'token_acquisition_failed',
          'The identity provider returned no access token.',
        );
      }
      return {
        accessToken: result.accessToken,
        expiresOn: result.expiresOn.getTime(),
        scopes: result.scopes,
        tenantId: request.tenantId ?? '',
      };
    } catch (error) {
      if (!(error instanceof TokenAcquisitionError)) this.options.onTokenRequest?.('error');
      const mapped = toTokenAcquisitionError(error);
      // A property of the provider (a profile without OBO: Azure AD B2C), not of this request:
      // ask only once. In any other profile such an answer is not taken as final.
      if (mapped.code === 'obo_not_supported' && !identity.supportsObo) this.unsupported = mapped;
      throw mapped;
    }
  }
}

/**
 * Most MSAL clients an OboClient keeps (one per authority: per tenant of a multi-tenant API);
 * beyond it the oldest is dropped and rebuilt when its tenant calls again.
 */
export const MAX_AUTHORITY_CLIENTS = 64;

/** The cache partition of a request: never the token itself. */
export function partitionKey(
  request: Pick<OboRequest, 'assertion' | 'tenantId' | 'scopes'>,
): string {
  return `${sha256(request.assertion)}:${request.tenantId ?? ''}:${scopesKey(request.scopes)}`;
}

/** Scope lists as keys (order and case do not matter), remembered: a service asks for few. */
const scopeKeys = new Map<string, string>();
const SCOPE_KEYS_MAX = 256;

function scopesKey(scopes: readonly string[]): string {
  const given = JSON.stringify(scopes);
  let key = scopeKeys.get(given);
  if (key === undefined) {
    const normalized = scopes
      .map((s) => s.toLowerCase())
      .sort()
      .join(' ');
    key = sha256(normalized).slice(0, 16);
    if (scopeKeys.size >= SCOPE_KEYS_MAX) scopeKeys.clear();
    scopeKeys.set(given, key);
  }
  return key;
}

function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}

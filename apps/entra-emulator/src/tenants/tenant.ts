import type { GrantName } from '../counters';
import type { PageCookies } from '../flows/browser';
import type { SignInJourney } from '../flows/journey';
import type { ErrorCatalogue } from '../errors/entra';
import type { OAuthDialect } from '../errors/render';
import type { GrantRequest } from '../grants/types';
import type { KeyRing } from '../keys';
import type { SeedFederatedCredential } from '../seed/schema';
import type { PublicNames } from '../sites/names';
import type { Site } from '../sites/site';
import type { TokenResponse } from '../tokens';
import type { CodeRecord, GrantStore, RefreshRecord } from './grant-store';

/** Which Microsoft identity service a tenant is. */
export type TenantKind = 'workforce' | 'b2c' | 'ciam';

/** An app as a client of a tenant's token endpoint and sign-in pages. */
export interface TenantClient {
  clientId: string;
  displayName: string;
  secrets: string[];
  /** PEM certificates whose keys may sign `client_assertion`s (workforce apps). */
  certificates?: string[];
  federatedCredentials?: SeedFederatedCredential[];
  /** Public client: may redeem codes and refresh tokens without a credential. */
  allowPublicClient?: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

/** Client authentication strength: `0` public, `1` secret, `2` certificate/assertion. */
export type ClientAcr = '0' | '1' | '2';

/** The authenticated client of a token request. */
export interface AuthenticatedClient<App extends TenantClient = TenantClient> {
  app: App;
  acr: ClientAcr;
}

/** A user's access token presented for On-Behalf-Of, verified by `grants/assertion.ts`. */
export interface VerifiedAssertion<User = unknown> {
  claims: Record<string, unknown>;
  user: User;
}

/**
 * One tenant the emulator serves: the workforce tenant (Entra ID), an Azure AD B2C tenant or an
 * External ID (CIAM) tenant. It knows who it is, how it words errors (`errors`, `dialect`), its
 * apps and users, the keys it signs with, which grants its token endpoint serves and how it
 * issues tokens; the token endpoint, client authentication and the checks of codes, refresh
 * tokens and On-Behalf-Of assertions are written once over it (`grants/`).
 */
export interface Tenant<Grant = unknown, App extends TenantClient = TenantClient, User = unknown> {
  readonly kind: TenantKind;
  /** Tenant id (GUID, lower case). */
  readonly id: string;
  /** `{name}.onmicrosoft.com`, or the workforce tenant's verified domain. */
  readonly domain: string;
  readonly displayName: string;
  /** How its OAuth errors look on the wire. */
  readonly dialect: OAuthDialect;
  /** Its numbering and wording of each failure. */
  readonly errors: ErrorCatalogue;
  readonly keys: KeyRing;
  /** Grants its token endpoint serves (B2C: no On-Behalf-Of, AADB2C90086). */
  readonly grants: ReadonlySet<GrantName>;
  /** Whether it serves Entra's v1 protocol (`/oauth2/token` with `resource`). */
  readonly v1: boolean;
  /** The prompts its sign-in honours. */
  readonly prompts: readonly string[];
  /** Whether any other prompt is refused (AADSTS90023), or ignored (B2C). */
  readonly refusesUnknownPrompts: boolean;
  /** The cookies of its sign-in pages. */
  readonly cookies: PageCookies;
  /** Its sign-in pages behind `/authorize`. */
  readonly signIn: SignInJourney;
  /** Codes and refresh tokens it issued. */
  readonly store: GrantStore<Grant>;
  /**
   * Whether redeeming a refresh token spends it (a replay then revokes its family), or it stays
   * valid until it expires, as Entra and B2C keep it.
   */
  readonly singleUseRefreshTokens: boolean;

  /** Its apps. */
  apps(): readonly App[];
  /** The app with this client id. */
  app(clientId: unknown): App | undefined;
  /** The user with this object id (or, where the tenant has them, user principal name). */
  user(id: unknown): User | undefined;
  /** Issuers of the access tokens it accepts as On-Behalf-Of assertions. */
  assertionIssuers(): string[];
  /** Where its endpoints answer under a set of names (its login hosts). */
  origins(names: PublicNames): string[];
  /** The v2 issuer of its tokens under a set of names. */
  issuer(names: PublicNames): string;
  /** What an access token for `app` carries as `aud`: its client id or identifier URIs. */
  audiencesOf(app: App): string[];
  /** Its OpenID configuration at `…/v2.0/.well-known/…` (v2) and `…/.well-known/…` (v1). */
  discovery(realm: Realm, version: 'v1' | 'v2'): Record<string, unknown>;

  /** Tokens for a redeemed authorization code. */
  tokensForCode(
    g: GrantRequest,
    client: AuthenticatedClient<App>,
    code: CodeRecord<Grant>,
  ): TokenResponse;
  /** Tokens for a redeemed refresh token. */
  tokensForRefresh(
    g: GrantRequest,
    client: AuthenticatedClient<App>,
    refresh: RefreshRecord<Grant>,
  ): TokenResponse;
  /** Tokens for a downstream resource, On-Behalf-Of the user of a verified assertion. */
  tokensOnBehalfOf(
    g: GrantRequest,
    client: AuthenticatedClient<App>,
    assertion: VerifiedAssertion<User>,
  ): TokenResponse;
}

/** A tenant as a request addressed it (and, in B2C, the user flow it named). */
export interface Realm<T extends Tenant = Tenant> {
  tenant: T;
  /** The tenant as named in errors: the path segment given (workforce) or its domain. */
  name: string;
  /** The B2C user flow (policy) as seeded, e.g. `B2C_1_susi`; undefined elsewhere. */
  policy?: string;
  /** The host the request addressed, and the names it answers with. */
  site: Site;
  /** `{origin}/{tenant}[/{policy}]`: where its endpoints live, as the client addressed them. */
  base: string;
  /** The issuer of the tokens issued here. */
  issuer: string;
}

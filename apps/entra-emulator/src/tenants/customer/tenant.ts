import type { EmulatorContext } from '../../context';
import type { GrantName } from '../../counters';
import { b2cErrors } from '../../errors/customer';
import { aad } from '../../errors/entra';
import type { OAuthDialect } from '../../errors/render';
import { PROMPTS } from '../../flows/authorize-request';
import { CustomerSignIn } from '../../flows/customer';
import type { GrantRequest } from '../../grants/types';
import type { KeyRing } from '../../keys';
import type { SeedB2c, SeedCiam, SeedCustomerApp, SeedCustomerUser } from '../../seed/schema';
import type { PublicNames } from '../../sites/names';
import type { Site } from '../../sites/site';
import type { TokenResponse } from '../../tokens';
import type { LoginLook } from '../../views/pages';
import { GrantStore, type CodeRecord, type RefreshRecord } from '../grant-store';
import type { AuthenticatedClient, Realm, Tenant, VerifiedAssertion } from '../tenant';
import { CustomerDirectory, type CustomerKind } from './directory';
import { ciamV1OpenIdConfiguration, customerOpenIdConfiguration } from './discovery';
import { customerOnBehalfOf } from './on-behalf-of';
import { customerTokens } from './tokens';

/** What a B2C or External ID code or refresh token stands for. */
export interface CustomerGrant {
  /** The B2C user flow it was issued in (its tokens carry it as `tfp`); undefined in CIAM. */
  policy?: string;
  userId: string;
  scopes: string[];
  authTime: number;
  nonce?: string;
  /** The user signed up in this flow (B2C's `newUser` claim). */
  newUser?: boolean;
}

const B2C_GRANTS: ReadonlySet<GrantName> = new Set(['authorization_code', 'refresh_token']);
const CIAM_GRANTS: ReadonlySet<GrantName> = new Set([...B2C_GRANTS, 'on_behalf_of']);

/**
 * An Azure AD B2C tenant (user flows at `/{tenant}.onmicrosoft.com/{policy}/…`, AADB2C errors,
 * no On-Behalf-Of, only prompt=login) or an External ID (CIAM) tenant
 * (`/{tenant}.onmicrosoft.com/…`, On-Behalf-Of to its APIs and to ARM, Entra's prompts and
 * Entra's AADSTS errors). Both sign users in with user flows (`flows/customer.ts`) and keep a
 * refresh token valid until it expires.
 */
export class CustomerTenant implements Tenant<CustomerGrant, SeedCustomerApp, SeedCustomerUser> {
  readonly dialect: OAuthDialect;
  readonly errors;
  readonly grants: ReadonlySet<GrantName>;
  readonly v1 = false;
  readonly singleUseRefreshTokens = false;
  readonly prompts: readonly string[];
  readonly refusesUnknownPrompts: boolean;
  readonly cookies = { session: 'x-ms-cpim-sso', flow: 'x-ms-cpim-trans' };
  readonly loginLook: LoginLook = {
    title: 'Sign in',
    heading: 'Sign in with your email address',
    namesClient: false,
    usernameLabel: 'Email Address',
    buttonId: 'next',
  };
  readonly signIn: CustomerSignIn;
  readonly store: GrantStore<CustomerGrant>;
  readonly directory: CustomerDirectory;

  constructor(
    readonly kind: CustomerKind,
    seed: SeedB2c | SeedCiam,
    private readonly ctx: EmulatorContext,
    usersFile?: string,
  ) {
    this.directory = new CustomerDirectory(kind, seed, usersFile);
    // External ID is an Entra tenant: Entra's AADSTS errors and bodies; B2C numbers its own.
    this.errors = kind === 'b2c' ? b2cErrors : aad;
    this.dialect = kind === 'b2c' ? 'customer' : 'entra';
    this.grants = kind === 'b2c' ? B2C_GRANTS : CIAM_GRANTS;
    // External ID is Entra: it honours Entra's prompts. B2C honours only prompt=login.
    this.prompts = kind === 'b2c' ? ['login'] : PROMPTS;
    this.refusesUnknownPrompts = kind !== 'b2c';
    this.store = new GrantStore(ctx.now);
    this.signIn = new CustomerSignIn(ctx, this);
  }

  get id(): string {
    return this.directory.id;
  }

  get domain(): string {
    return this.directory.domain;
  }

  get displayName(): string {
    return this.directory.displayName;
  }

  get keys(): KeyRing {
    return this.ctx.keys;
  }

  /**
   * The tenant, or one of its B2C user flows, at `site`: endpoints under
   * `{origin}/{tenant}.onmicrosoft.com[/{policy}]` (policy lower-case, as B2C publishes it).
   */
  realm(site: Site, policy?: string): Realm<CustomerTenant> {
    return {
      tenant: this,
      name: this.domain,
      policy,
      site,
      base: `${site.origin}/${this.domain}${policy ? `/${policy.toLowerCase()}` : ''}`,
      issuer: this.issuer(site.names),
    };
  }

  /** `{name}.b2clogin.com`; External ID answers at `{name}.ciamlogin.com` and `{tid}.ciamlogin.com`. */
  origins(names: PublicNames): string[] {
    if (this.kind === 'b2c') return [names.b2c(this.directory.name)];
    return [...new Set([names.ciam(this.directory.name), names.ciam(this.id)])];
  }

  /**
   * B2C: `https://{name}.b2clogin.com/{tid}/v2.0/` (GUID, trailing slash); External ID:
   * `https://{tid}.ciamlogin.com/{tid}/v2.0` (whichever of its hosts issued the token).
   */
  issuer(names: PublicNames): string {
    return this.kind === 'b2c'
      ? `${names.b2c(this.directory.name)}/${this.id}/v2.0/`
      : `${names.ciam(this.id)}/${this.id}/v2.0`;
  }

  apps(): readonly SeedCustomerApp[] {
    return this.directory.apps;
  }

  app(clientId: unknown): SeedCustomerApp | undefined {
    return this.directory.app(clientId);
  }

  user(id: unknown): SeedCustomerUser | undefined {
    return this.directory.user(id);
  }

  assertionIssuers(): string[] {
    return this.ctx.sites.allNames.map((n) => this.issuer(n));
  }

  audiencesOf(app: SeedCustomerApp): string[] {
    return [app.clientId, ...(app.identifierUri ? [app.identifierUri] : [])];
  }

  /** B2C serves its v2 document at both paths; External ID has Entra's v1 document too. */
  discovery(realm: Realm<CustomerTenant>, version: 'v1' | 'v2'): Record<string, unknown> {
    return version === 'v1' && this.kind === 'ciam'
      ? ciamV1OpenIdConfiguration(realm)
      : customerOpenIdConfiguration(realm);
  }

  tokensForCode(
    g: GrantRequest,
    client: AuthenticatedClient<SeedCustomerApp>,
    code: CodeRecord<CustomerGrant>,
  ): TokenResponse {
    return this.issue(g.realm.site, client.app, code.grant);
  }

  tokensForRefresh(
    g: GrantRequest,
    client: AuthenticatedClient<SeedCustomerApp>,
    refresh: RefreshRecord<CustomerGrant>,
  ): TokenResponse {
    const requested = (g.body.scope ?? '').split(' ').filter(Boolean);
    const scopes = requested.length > 0 ? requested : refresh.grant.scopes;
    return this.issue(g.realm.site, client.app, {
      ...refresh.grant,
      scopes,
      nonce: undefined,
      newUser: false,
    });
  }

  tokensOnBehalfOf(
    g: GrantRequest,
    client: AuthenticatedClient<SeedCustomerApp>,
    assertion: VerifiedAssertion<SeedCustomerUser>,
  ): TokenResponse {
    return customerOnBehalfOf(this.ctx, this.realm(g.realm.site), client.app, assertion.user, g);
  }

  /** Tokens for a grant; a refresh token (recorded here) when it includes `offline_access`. */
  private issue(site: Site, client: SeedCustomerApp, grant: CustomerGrant): TokenResponse {
    const user = this.user(grant.userId);
    if (!user) throw this.errors.userGone();
    const refreshToken = grant.scopes.includes('offline_access')
      ? this.store.createRefreshToken(client.clientId, {
          ...grant,
          scopes: [...new Set([...grant.scopes, 'offline_access'])],
        })
      : undefined;
    return customerTokens(
      this.ctx,
      { ...grant, realm: this.realm(site, grant.policy), user, client },
      refreshToken,
    );
  }
}

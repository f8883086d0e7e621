import { v1Issuer, type EmulatorContext } from '../context';
import type { GrantName } from '../counters';
import { aad } from '../errors/entra';
import { PROMPTS } from '../flows/authorize-request';
import { WorkforceSignIn } from '../flows/workforce';
import { parseClaims } from '../grants/claims';
import { required, type GrantRequest } from '../grants/types';
import { checkUserAccess } from '../grants/user-access';
import { checkUserGrant } from '../grants/user-checks';
import type { ScopeRequest } from '../directory';
import type { KeyRing } from '../keys';
import type { SeedApp, SeedUser } from '../seed/schema';
import { LOGIN_ALIAS, type PublicNames } from '../sites/names';
import type { Site } from '../sites/site';
import type { AuthStrength } from '../store';
import { issuedAtMs, issueUserTokens, type TokenResponse } from '../tokens';
import type { LoginLook } from '../views/pages';
import { openIdConfiguration, v1OpenIdConfiguration } from './discovery';
import { GrantStore, type CodeRecord, type RefreshRecord } from './grant-store';
import type { AuthenticatedClient, Realm, Tenant, VerifiedAssertion } from './tenant';

/** What a workforce code or refresh token stands for. */
export interface WorkforceGrant {
  userId: string;
  /** Codes: the authorize request's `scope` (it may name several resources). */
  scope?: string;
  nonce?: string;
  strength: AuthStrength;
  capabilities: string[];
  sid?: string;
  authTime: number;
}

const GRANTS: ReadonlySet<GrantName> = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'on_behalf_of',
]);

/**
 * The workforce tenant (Microsoft Entra ID) of the seed: its directory of apps, users,
 * consents and Conditional Access, every grant, Entra's errors, v1 and v2 tokens. It answers to
 * its id, its domain, `common` and `organizations`.
 */
export class WorkforceTenant implements Tenant<WorkforceGrant, SeedApp, SeedUser> {
  readonly kind = 'workforce' as const;
  readonly dialect = 'entra' as const;
  readonly errors = aad;
  readonly grants = GRANTS;
  readonly v1 = true;
  readonly singleUseRefreshTokens = true;
  readonly prompts = PROMPTS;
  readonly refusesUnknownPrompts = true;
  readonly cookies = { session: 'emulator_session', flow: 'emulator_flow' };
  readonly loginLook: LoginLook = {
    title: 'Sign in to your account',
    heading: 'Sign in',
    namesClient: true,
    usernameLabel: 'Email or username',
    buttonId: 'idSIButton9',
  };
  readonly signIn: WorkforceSignIn;
  readonly store: GrantStore<WorkforceGrant>;

  constructor(private readonly ctx: EmulatorContext) {
    this.store = new GrantStore(ctx.now);
    this.signIn = new WorkforceSignIn(ctx, this);
  }

  get id(): string {
    return this.ctx.seed.tenant.id;
  }

  get domain(): string {
    return this.ctx.seed.tenant.domain;
  }

  get displayName(): string {
    return this.ctx.seed.tenant.displayName;
  }

  get keys(): KeyRing {
    return this.ctx.keys;
  }

  /** True for its id, its domain, `common` and `organizations`. */
  knows(segment: string): boolean {
    return this.ctx.directory.knowsTenant(segment);
  }

  /** The tenant as `/{segment}/…` addressed it at `site`. */
  realm(segment: string, site: Site): Realm<WorkforceTenant> {
    return {
      tenant: this,
      name: segment,
      site,
      base: `${site.origin}/${segment}`,
      issuer: this.issuer(site.names),
    };
  }

  /** Entra's login host, and in Microsoft's names its alias `login.windows.net`. */
  origins(names: PublicNames): string[] {
    return names.microsoft ? [names.login, `https://${LOGIN_ALIAS}`] : [names.login];
  }

  /** `https://login.microsoftonline.com/{tid}/v2.0` — on every alias, as Entra issues it. */
  issuer(names: PublicNames): string {
    return `${names.login}/${this.id}/v2.0`;
  }

  apps(): readonly SeedApp[] {
    return this.ctx.seed.apps;
  }

  app(clientId: unknown): SeedApp | undefined {
    return this.ctx.directory.app(clientId);
  }

  user(idOrUpn: unknown): SeedUser | undefined {
    return this.ctx.directory.user(idOrUpn);
  }

  assertionIssuers(): string[] {
    return [...this.ctx.sites.allNames.map((n) => this.issuer(n)), v1Issuer(this.ctx)];
  }

  audiencesOf(app: SeedApp): string[] {
    return [app.clientId, ...app.identifierUris];
  }

  /** Entra's documents; `common` and `organizations` answer with `{tenantid}` issuers. */
  discovery(realm: Realm, version: 'v1' | 'v2'): Record<string, unknown> {
    return version === 'v2' ? openIdConfiguration(realm) : v1OpenIdConfiguration(realm);
  }

  tokensForCode(
    g: GrantRequest,
    client: AuthenticatedClient<SeedApp>,
    code: CodeRecord<WorkforceGrant>,
  ): TokenResponse {
    const { directory } = this.ctx;
    const grant = code.grant;
    const user = directory.user(grant.userId);
    if (!user) throw this.errors.userGone();
    // The code may cover several resources (consented at authorize); the token is for the one the
    // redemption's `scope` names, or else the first one asked for.
    const authorized = directory.parseScopeSet(grant.scope);
    const asked = g.body.scope ? directory.parseScopes(g.body.scope) : undefined;
    const request = asked && !asked.implicit ? asked : authorized[0];
    request.oidc = authorized[0].oidc;
    return this.userGrantTokens(g, client, user, request, grant, { nonce: grant.nonce });
  }

  tokensForRefresh(
    g: GrantRequest,
    client: AuthenticatedClient<SeedApp>,
    refresh: RefreshRecord<WorkforceGrant>,
  ): TokenResponse {
    const grant = refresh.grant;
    const user = this.ctx.directory.user(grant.userId);
    if (!user) throw this.errors.userGone();
    const request = this.ctx.directory.parseScopes(g.body.scope ?? 'openid profile offline_access');
    if (!request.oidc.includes('offline_access')) request.oidc.push('offline_access');
    return this.userGrantTokens(g, client, user, request, grant, {
      refreshFamily: refresh.familyId,
    });
  }

  /**
   * A code's or refresh token's user tokens: the user's access checked (disabled, critical events,
   * a claims request's `nbf`) and the grant's (consent, MFA), then issued at the request's issuer.
   * Capabilities come from the request's claims, else from the grant.
   */
  private userGrantTokens(
    g: GrantRequest,
    client: AuthenticatedClient<SeedApp>,
    user: SeedUser,
    request: ScopeRequest,
    grant: WorkforceGrant,
    extra: { nonce?: string; refreshFamily?: string },
  ): TokenResponse {
    const claims = parseClaims(g.body.claims);
    checkUserAccess(this.ctx, user, { at: grant.authTime, kind: 'grant' }, claims);
    const checked = checkUserGrant(this.ctx, {
      user,
      client: client.app,
      request,
      strength: grant.strength,
      claims,
    });
    return issueUserTokens(this.ctx, {
      user,
      client: client.app,
      request,
      ...checked,
      capabilities: claims.capabilities.length > 0 ? claims.capabilities : grant.capabilities,
      authTime: grant.authTime,
      azpacr: client.acr,
      issuer: g.realm.issuer,
      sid: grant.sid,
      ...extra,
    });
  }

  tokensOnBehalfOf(
    g: GrantRequest,
    client: AuthenticatedClient<SeedApp>,
    { claims, user }: VerifiedAssertion<SeedUser>,
  ): TokenResponse {
    const request = this.ctx.directory.parseScopes(required(g, 'scope'));
    const requested = parseClaims(g.body.claims);
    const issued = issuedAtMs(claims) ?? this.ctx.now();
    checkUserAccess(this.ctx, user, { at: issued, kind: 'assertion' }, requested);
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
    const checked = checkUserGrant(this.ctx, {
      user,
      client: client.app,
      request,
      strength: { amr: strings(claims.amr) ?? ['pwd'], acrs: strings(claims.acrs) ?? [] },
      claims: requested,
    });
    return issueUserTokens(this.ctx, {
      user,
      client: client.app,
      request,
      ...checked,
      capabilities: requested.capabilities,
      authTime: typeof claims.iat === 'number' ? claims.iat * 1000 : this.ctx.now(),
      azpacr: client.acr,
      issuer: g.realm.issuer,
      sid: typeof claims.sid === 'string' ? claims.sid : undefined,
    });
  }
}

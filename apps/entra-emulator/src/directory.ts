import { createHash } from 'node:crypto';
import { aad } from './errors/entra';
import { AadError } from './errors/wire';
import type { Seed, SeedApp, SeedSubscription, SeedUser } from './seed/schema';

/** Scopes that are not permissions on a resource. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** True for `openid`, `profile`, `email` and `offline_access` (any case). */
export const isOidcScope = (scope: string) =>
  (OIDC_SCOPES as readonly string[]).includes(scope.toLowerCase());

/** Microsoft Graph: the resource of a request that names only OIDC scopes. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Microsoft Graph's identifier URI (the `aud` of tokens asked for with it). */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** A `scope` parameter resolved against the directory. */
export interface ScopeRequest {
  /** OIDC scopes that were asked for (`openid`, `offline_access`, …). */
  oidc: string[];
  /** The one resource the request names (Graph when only OIDC scopes were asked for). */
  resource: SeedApp;
  /** The identifier the client used for the resource, e.g. `https://management.azure.com/`. */
  identifier: string;
  /** The prefix to put before permission names in the response's `scope`, as the client wrote it. */
  prefix: string;
  /** Permission values asked for (empty for `.default`). */
  permissions: string[];
  isDefault: boolean;
  /** True when only OIDC scopes were asked for and the resource is implied (Graph). */
  implicit: boolean;
}

const normalise = (id: string) => id.toLowerCase().replace(/\/+$/, '');

/** Read-only views of the seed plus the consents users give at run time. */
export class Directory {
  private readonly consents = new Map<string, Set<string>>();
  /** Clients whose `requiredResourceAccess` is admin-consented (apps registered through Graph). */
  private readonly adminConsented = new Set<string>();

  constructor(readonly seed: Seed) {}

  /** Registers a new app (Graph `POST /applications`); its client id must be new. */
  addApp(app: SeedApp, options: { adminConsented?: boolean } = {}): void {
    if (this.app(app.clientId)) throw new Error(`an app with client id ${app.clientId} exists`);
    this.seed.apps.push(app);
    if (options.adminConsented) this.adminConsented.add(app.clientId.toLowerCase());
  }

  /** Changes a registered app in place (Graph `PATCH`); the client id cannot change. */
  updateApp(clientId: string, changes: Partial<SeedApp>): SeedApp {
    const app = this.app(clientId);
    if (!app) throw new Error(`no app with client id ${clientId}`);
    Object.assign(app, { ...changes, clientId: app.clientId });
    return app;
  }

  get tenantId(): string {
    return this.seed.tenant.id;
  }

  /** True for the tenant's id, its domain, `common` and `organizations`. */
  knowsTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return (
      t === this.seed.tenant.id.toLowerCase() ||
      t === this.seed.tenant.domain.toLowerCase() ||
      t === 'common' ||
      t === 'organizations'
    );
  }

  app(clientId: unknown): SeedApp | undefined {
    if (typeof clientId !== 'string') return undefined;
    const id = clientId.toLowerCase();
    return this.seed.apps.find((a) => a.clientId.toLowerCase() === id);
  }

  /** An app by client id or identifier URI (trailing slashes ignored). */
  resource(identifier: string): SeedApp | undefined {
    const id = normalise(identifier);
    return this.seed.apps.find(
      (a) => a.clientId.toLowerCase() === id || a.identifierUris.some((u) => normalise(u) === id),
    );
  }

  user(idOrUpn: unknown): SeedUser | undefined {
    if (typeof idOrUpn !== 'string') return undefined;
    return this.userIndex().get(idOrUpn.toLowerCase());
  }

  /**
   * Users by lower-cased id and UPN: every token request looks a user up, and a seed may hold
   * 100,000 of them (the benchmarks'). Rebuilt when the user list is replaced or grows.
   */
  private userIndex(): Map<string, SeedUser> {
    const users = this.seed.users;
    if (this.indexed?.users !== users || this.indexed.length !== users.length) {
      const map = new Map<string, SeedUser>();
      // Reverse, so the first user wins a clash, as a linear search would have.
      for (const u of [...users].reverse()) {
        map.set(u.userPrincipalName.toLowerCase(), u);
        map.set(u.id.toLowerCase(), u);
      }
      this.indexed = { users, length: users.length, map };
    }
    return this.indexed.map;
  }

  private indexed?: { users: SeedUser[]; length: number; map: Map<string, SeedUser> };

  /**
   * The subscriptions ARM lists for a caller: a user's own, or those on which an app's service
   * principal holds a role (`apps[].subscriptions`).
   */
  armSubscriptions(caller: { userId?: string; appId?: string }): SeedSubscription[] {
    if (caller.userId !== undefined) return this.user(caller.userId)?.subscriptions ?? [];
    const ids = new Set(this.app(caller.appId)?.subscriptions?.map((id) => id.toLowerCase()));
    if (ids.size === 0) return [];
    const all = this.seed.users.flatMap((u) => u.subscriptions);
    return all.filter(
      (s, i) =>
        ids.has(s.subscriptionId.toLowerCase()) &&
        all.findIndex((o) => o.subscriptionId === s.subscriptionId) === i,
    );
  }

  servicePrincipalId(app: SeedApp): string {
    return app.servicePrincipalId ?? derivedGuid(`sp:${app.clientId}`);
  }

  /** Resolves a token request's `scope`: one resource only (AADSTS28000), unknown → AADSTS70011. */
  parseScopes(scope: unknown): ScopeRequest {
    const requests = this.parseScopeSet(scope);
    if (requests.length > 1) {
      throw new AadError(
        28000,
        'invalid_scope',
        'Provided value for the input parameter scope is not valid because it contains more than one resource.',
      );
    }
    return requests[0];
  }

  /**
   * Resolves an authorize request's `scope`, which may name several resources (consent is
   * asked for all of them; each token is then for one). Every entry shares the OIDC scopes.
   */
  parseScopeSet(scope: unknown): ScopeRequest[] {
    if (typeof scope !== 'string' || scope.trim() === '') throw aad.missingParameter('scope');
    const oidc: string[] = [];
    const groups: Omit<ScopeRequest, 'oidc'>[] = [];
    for (const token of scope.trim().split(/\s+/)) {
      if (isOidcScope(token)) {
        if (!oidc.includes(token.toLowerCase())) oidc.push(token.toLowerCase());
        continue;
      }
      const match = this.matchScope(token);
      if (!match) throw aad.invalidScope(token);
      let found = groups.find((g) => g.resource === match.resource);
      if (!found) {
        found = { ...match, permissions: [], isDefault: false, implicit: false };
        groups.push(found);
      }
      if (match.permission === '.default') found.isDefault = true;
      else if (!found.permissions.includes(match.permission))
        found.permissions.push(match.permission);
    }
    if (groups.length > 0) return groups.map((g) => ({ oidc, ...g }));
    const graph = this.app(GRAPH_APP_ID) ?? GRAPH_FALLBACK;
    return [
      {
        oidc,
        resource: graph,
        identifier: graph.identifierUris[0] ?? GRAPH_APP_ID,
        prefix: GRAPH_RESOURCE,
        permissions: ['User.Read'],
        isDefault: false,
        implicit: true,
      },
    ];
  }

  private matchScope(
    token: string,
  ): { resource: SeedApp; identifier: string; prefix: string; permission: string } | undefined {
    const lower = token.toLowerCase();
    let best:
      { resource: SeedApp; identifier: string; prefix: string; permission: string } | undefined;
    for (const app of this.seed.apps) {
      for (const identifier of [app.clientId, ...app.identifierUris]) {
        const id = normalise(identifier);
        if (!lower.startsWith(`${id}/`) || (best && best.prefix.length >= id.length)) continue;
        const permission = token.slice(id.length).replace(/^\/+/, '');
        // The prefix as the client wrote it (`https://management.core.windows.net/` for
        // `…net//.default`): Entra's response echoes it, and MSAL caches by the response's scopes.
        const prefix = token.slice(0, token.length - permission.length - 1);
        best = { resource: app, identifier, prefix, permission };
      }
    }
    if (!best) {
      // A bare permission (`User.Read`) means Microsoft Graph, as in Entra.
      const graph = this.app(GRAPH_APP_ID);
      if (graph?.scopes.includes(token)) {
        return {
          resource: graph,
          identifier: graph.identifierUris[0] ?? GRAPH_APP_ID,
          prefix: GRAPH_RESOURCE,
          permission: token,
        };
      }
      return undefined;
    }
    if (best.permission === '.default') return best;
    const exposed = best.resource.scopes.find(
      (s) => s.toLowerCase() === best.permission.toLowerCase(),
    );
    return exposed ? { ...best, permission: exposed } : undefined;
  }

  /**
   * Delegated permissions `user` has consented to for `client` on `resource`: seed grants,
   * consents given on the consent page, and combined consent through the resource-owning
   * middle tier's `knownClientApplications`.
   */
  consentedScopes(user: SeedUser, client: SeedApp, resource: SeedApp): Set<string> {
    const result = new Set<string>(this.directConsents(user, client, resource));
    const viaKnownClient = client.knownClientApplications.some((known) => {
      const knownApp = this.app(known);
      return knownApp !== undefined && this.directConsents(user, knownApp, client).length > 0;
    });
    if (viaKnownClient) {
      for (const access of client.requiredResourceAccess) {
        if (this.resource(access.resource) === resource)
          access.scopes.forEach((s) => result.add(s));
      }
    }
    return result;
  }

  private directConsents(user: SeedUser, client: SeedApp, resource: SeedApp): string[] {
    const scopes: string[] = [];
    for (const grant of this.seed.grants) {
      if (grant.clientId.toLowerCase() !== client.clientId.toLowerCase()) continue;
      if (this.resource(grant.resource) !== resource) continue;
      const p = grant.principal.toLowerCase();
      if (
        p === 'allprincipals' ||
        p === user.id.toLowerCase() ||
        p === user.userPrincipalName.toLowerCase()
      ) {
        scopes.push(...grant.scopes);
      }
    }
    if (this.adminConsented.has(client.clientId.toLowerCase()))
      scopes.push(...this.requiredScopes(client, resource));
    const given = this.consents.get(consentKey(user, client, resource));
    if (given) scopes.push(...given);
    return scopes;
  }

  /** Records consent given on the consent page. */
  grantConsent(user: SeedUser, client: SeedApp, resource: SeedApp, scopes: string[]): void {
    const key = consentKey(user, client, resource);
    const set = this.consents.get(key) ?? new Set<string>();
    scopes.forEach((s) => set.add(s));
    this.consents.set(key, set);
  }

  /** Permissions a client statically requires on a resource (what `.default` stands for). */
  requiredScopes(client: SeedApp, resource: SeedApp): string[] {
    return client.requiredResourceAccess
      .filter((a) => this.resource(a.resource) === resource)
      .flatMap((a) => a.scopes);
  }

  /** Application permissions (roles) a client holds on a resource; treated as admin-consented. */
  appRoles(client: SeedApp, resource: SeedApp): string[] {
    return client.requiredResourceAccess
      .filter((a) => this.resource(a.resource) === resource)
      .flatMap((a) => a.roles)
      .filter((r) => resource.appRoles.includes(r));
  }

  /** The Conditional Access policy that requires MFA for `user` on `resource`, if any. */
  mfaPolicy(user: SeedUser, resource: SeedApp): { id: string; displayName: string } | undefined {
    const ids = [user.id.toLowerCase(), user.userPrincipalName.toLowerCase()];
    return this.seed.conditionalAccess.find(
      (p) =>
        p.users.some((u) => ids.includes(u.toLowerCase())) &&
        p.resources.some((r) => this.resource(r) === resource),
    );
  }

  resetConsents(): void {
    this.consents.clear();
  }
}

function consentKey(user: SeedUser, client: SeedApp, resource: SeedApp): string {
  return `${user.id}|${client.clientId}|${resource.clientId}`.toLowerCase();
}

/** A stable GUID derived from `input` (for ids the seed leaves out). */
export function derivedGuid(input: string): string {
  const h = createHash('sha256').update(input).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Entra's pairwise `sub`: stable per user and application, different across applications. */
export function pairwiseSubject(userId: string, appId: string): string {
  return createHash('sha256')
    .update(`${userId}|${appId}`.toLowerCase())
    .digest('base64url')
    .slice(0, 43);
}

const GRAPH_FALLBACK: SeedApp = {
  displayName: 'Microsoft Graph',
  clientId: GRAPH_APP_ID,
  secrets: [],
  certificates: [],
  federatedCredentials: [],
  redirectUris: [],
  postLogoutRedirectUris: [],
  identifierUris: [GRAPH_RESOURCE],
  scopes: ['User.Read'],
  appRoles: [],
  requiredResourceAccess: [],
  knownClientApplications: [],
  requestedAccessTokenVersion: 1,
  allowPublicClient: false,
  owners: [],
};

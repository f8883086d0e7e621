import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../../directory';
import type { SeedB2c, SeedCiam, SeedCustomerApp, SeedCustomerUser } from '../../seed/schema';

/** Which kind of customer tenant: Azure AD B2C (user flows) or External ID (CIAM). */
export type CustomerKind = 'b2c' | 'ciam';

/** The user flow a B2C request runs; CIAM has only sign-up/sign-in. */
export type PolicyKind = 'signUpSignIn' | 'editProfile' | 'resetPassword';

/**
 * The directory of a B2C or CIAM tenant: its apps, the scopes its APIs expose, and its local
 * accounts. Users signed up (or changed) while the emulator runs live for its lifetime, and in
 * `usersFile` when one is given (read at start, rewritten on every change) so they survive
 * restarts.
 */
export class CustomerDirectory {
  readonly name: string;
  readonly id: string;
  readonly displayName: string;
  readonly apps: SeedCustomerApp[];
  readonly policies: Partial<Record<PolicyKind, string>>;
  private readonly users = new Map<string, SeedCustomerUser>();

  constructor(
    readonly kind: CustomerKind,
    seed: SeedB2c | SeedCiam,
    private readonly usersFile?: string,
  ) {
    this.name = seed.tenantName.toLowerCase();
    this.id = seed.tenantId.toLowerCase();
    this.displayName = seed.displayName;
    this.apps = seed.apps;
    this.policies = 'policies' in seed ? seed.policies : { signUpSignIn: undefined };
    for (const user of seed.users) this.users.set(user.id, { ...user });
    if (usersFile && existsSync(usersFile)) {
      const saved = JSON.parse(readFileSync(usersFile, 'utf8')) as { users?: SeedCustomerUser[] };
      for (const user of saved.users ?? []) this.users.set(user.id, user);
    }
  }

  /** `{name}.onmicrosoft.com`. */
  get domain(): string {
    return `${this.name}.onmicrosoft.com`;
  }

  /** True for the tenant's domain or id (case-insensitive). */
  matches(segment: string): boolean {
    const s = segment.toLowerCase();
    return s === this.domain || s === this.id;
  }

  /** The kind of a B2C policy name (case-insensitive), or undefined for an unknown one. */
  policyKind(policy: string): PolicyKind | undefined {
    const p = policy.toLowerCase();
    return (Object.keys(this.policies) as PolicyKind[]).find(
      (k) => this.policies[k]?.toLowerCase() === p,
    );
  }

  app(clientId: unknown): SeedCustomerApp | undefined {
    if (typeof clientId !== 'string') return undefined;
    return this.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  }

  /** The API app whose full scope (`{identifierUri}/{value}`) is `scope`. */
  apiScope(scope: string): { app: SeedCustomerApp; value: string } | undefined {
    for (const app of this.apps) {
      if (!app.identifierUri) continue;
      const prefix = `${app.identifierUri.replace(/\/+$/, '')}/`;
      if (!scope.toLowerCase().startsWith(prefix.toLowerCase())) continue;
      const value = scope.slice(prefix.length);
      if (app.scopes.includes(value)) return { app, value };
    }
    return undefined;
  }

  /**
   * The API and permission values a scope names: `{identifierUri}/{value}`, or in External ID
   * `{identifierUri}/.default` (every scope the API exposes: its apps are admin-consented) and
   * Microsoft Graph's `User.Read` (bare, or `https://graph.microsoft.com/User.Read`, `/.default`),
   * which an External ID tenant's admin consents to for its apps (customers cannot consent).
   * B2C user flows know no Graph permission (AADB2C90117).
   */
  resolveScope(scope: string): { app: SeedCustomerApp; values: string[] } | undefined {
    const exact = this.apiScope(scope);
    if (exact) return { app: exact.app, values: [exact.value] };
    if (this.kind !== 'ciam') return undefined;
    const graph = graphScope(scope);
    if (graph) return { app: CIAM_GRAPH, values: graph };
    if (!scope.toLowerCase().endsWith('/.default')) return undefined;
    const base = scope.slice(0, -'/.default'.length).replace(/\/+$/, '').toLowerCase();
    const app = this.apps.find(
      (a) =>
        a.scopes.length > 0 &&
        (a.identifierUri?.replace(/\/+$/, '').toLowerCase() === base ||
          a.clientId.toLowerCase() === base),
    );
    return app ? { app, values: app.scopes } : undefined;
  }

  user(id: unknown): SeedCustomerUser | undefined {
    return typeof id === 'string' ? this.users.get(id) : undefined;
  }

  userByEmail(email: string): SeedCustomerUser | undefined {
    const e = email.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.email.toLowerCase() === e);
  }

  /** Creates a local account; throws when the email is taken. */
  addUser(input: { email: string; password: string; displayName: string }): SeedCustomerUser {
    if (this.userByEmail(input.email)) throw new Error('A user with this email already exists.');
    const user = { id: randomUUID(), ...input, email: input.email.trim(), businessPhones: [] };
    this.users.set(user.id, user);
    this.save();
    return user;
  }

  updateUser(id: string, change: Partial<Pick<SeedCustomerUser, 'password' | 'displayName'>>) {
    const user = this.users.get(id);
    if (!user) return;
    Object.assign(user, change);
    this.save();
  }

  private save(): void {
    if (!this.usersFile) return;
    mkdirSync(dirname(this.usersFile), { recursive: true });
    writeFileSync(this.usersFile, JSON.stringify({ users: [...this.users.values()] }, null, 2), {
      mode: 0o600,
    });
  }
}

/** Microsoft Graph as a resource of an External ID tenant (v1 tokens, like the workforce's). */
export const CIAM_GRAPH: SeedCustomerApp = {
  displayName: 'Microsoft Graph',
  clientId: GRAPH_APP_ID,
  secrets: [],
  redirectUris: [],
  postLogoutRedirectUris: [],
  identifierUri: GRAPH_RESOURCE,
  scopes: ['User.Read'],
};

/** The Graph permissions a scope names (`User.Read` in any of its spellings), if it is Graph's. */
function graphScope(scope: string): string[] | undefined {
  const lower = scope.toLowerCase();
  const prefix = [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`].find((p) =>
    lower.startsWith(p.toLowerCase()),
  );
  const value = prefix ? lower.slice(prefix.length).replace(/^\/+/, '') : lower;
  if (value === '.default') return prefix ? [...CIAM_GRAPH.scopes] : undefined;
  const permission = CIAM_GRAPH.scopes.find((s) => s.toLowerCase() === value);
  return permission ? [permission] : undefined;
}

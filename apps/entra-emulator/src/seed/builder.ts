import { createHash } from 'node:crypto';
import { GRAPH_APP_ID } from '../directory';
import { ARM_APP_ID } from '../resources';
import { loadSeed, SeedError } from './load';
import type { Seed, SeedInput } from './schema';

type AppInput = SeedInput['apps'][number];
type UserInput = NonNullable<SeedInput['users']>[number];
type SubscriptionInput = NonNullable<UserInput['subscriptions']>[number];
type GrantInput = NonNullable<SeedInput['grants']>[number];
type PolicyInput = NonNullable<SeedInput['conditionalAccess']>[number];

/** An app registration; `clientId` defaults to a GUID derived from the tenant and the name. */
export type SeedBuilderApp = Omit<AppInput, 'clientId'> & { clientId?: string };
/** A user; `id` defaults to a GUID derived from the UPN, `password` to `Passw0rd!`. */
export type SeedBuilderUser = Omit<UserInput, 'id' | 'password' | 'subscriptions'> & {
  id?: string;
  password?: string;
};
/** A subscription; `subscriptionId` defaults to a GUID derived from the user and the name. */
export type SeedBuilderSubscription = Omit<SubscriptionInput, 'subscriptionId'> & {
  subscriptionId?: string;
};
/** A Conditional Access policy (MFA for `users` on `resources`); `id` derived by default. */
export type SeedBuilderPolicy = Omit<PolicyInput, 'id'> & { id?: string };

export interface SeedBuilderOptions {
  /** Default domain `contoso.onmicrosoft.com`, id derived from the domain, display name `Contoso`. */
  tenant?: { id?: string; domain?: string; displayName?: string };
  /**
   * Register Azure Resource Manager and Microsoft Graph as resources, as every Entra tenant has
   * them (needed for On-Behalf-Of to ARM and for Graph tokens). Default true.
   */
  microsoftApis?: boolean;
}

/** The password every built user has unless given one. */
export const DEFAULT_PASSWORD = 'Passw0rd!';

/**
 * Builds an emulator seed in code: a tenant, app registrations, users with their ARM
 * subscriptions, consent grants and Conditional Access policies. Ids left out are GUIDs derived
 * from the names (the same seed gives the same ids every run). {@link SeedBuilder.build}
 * validates with the emulator's own schema and throws a `SeedError` whose `issues` name each
 * bad field (`users[1].userPrincipalName`).
 */
export class SeedBuilder {
  private readonly tenant: { id: string; domain: string; displayName: string };
  private readonly apps: AppInput[] = [];
  private readonly users: UserInput[] = [];
  private readonly grants: GrantInput[] = [];
  private readonly policies: PolicyInput[] = [];
  private readonly pending: { user: string; subscription: SeedBuilderSubscription }[] = [];

  constructor(options: SeedBuilderOptions = {}) {
    const domain = options.tenant?.domain ?? 'contoso.onmicrosoft.com';
    this.tenant = {
      id: options.tenant?.id ?? derivedGuid('tenant', domain),
      domain,
      displayName:
        options.tenant?.displayName ?? domain.split('.')[0].replace(/^./, (c) => c.toUpperCase()),
    };
    if (options.microsoftApis ?? true) {
      const microsoft = new Set([ARM_APP_ID, GRAPH_APP_ID]);
      this.apps.push(...loadSeed().apps.filter((a) => microsoft.has(a.clientId)));
    }
  }

  /** The tenant's id (given or derived). */
  get tenantId(): string {
    return this.tenant.id;
  }

  /** Adds an app registration. */
  app(app: SeedBuilderApp): this {
    const clientId = app.clientId ?? derivedGuid(this.tenant.id, 'app', app.displayName);
    this.apps.push({ ...app, clientId });
    return this;
  }

  /** The client id of the app added under this display name (undefined when there is none). */
  clientIdOf(displayName: string): string | undefined {
    return this.apps.find((a) => a.displayName === displayName)?.clientId;
  }

  /** Adds a user. */
  user(user: SeedBuilderUser): this {
    const upn = String(user.userPrincipalName);
    this.users.push({
      ...user,
      id: user.id ?? derivedGuid(this.tenant.id, 'user', upn.toLowerCase()),
      password: user.password ?? DEFAULT_PASSWORD,
      subscriptions: [],
    });
    return this;
  }

  /** Gives the user (`userPrincipalName`, added before or after) an ARM subscription. */
  subscription(user: string, subscription: SeedBuilderSubscription): this {
    this.pending.push({ user, subscription });
    return this;
  }

  /** Records a consent (admin consent unless `principal` names a user). */
  grant(grant: GrantInput): this {
    this.grants.push(grant);
    return this;
  }

  /** Adds a Conditional Access policy: MFA for these users on these resources. */
  conditionalAccess(policy: SeedBuilderPolicy): this {
    const id = policy.id ?? derivedGuid(this.tenant.id, 'policy', policy.displayName);
    this.policies.push({ ...policy, id });
    return this;
  }

  /**
   * The seed as the emulator reads it (ids filled in, not yet validated): what a seed file
   * holds. Throws a `SeedError` for a subscription of a user nobody added.
   */
  toJSON(): SeedInput {
    const users = this.users.map((u) => ({ ...u, subscriptions: [...(u.subscriptions ?? [])] }));
    const issues = this.pending.flatMap(({ user, subscription }, i) => {
      const owner = users.find((u) => u.userPrincipalName.toLowerCase() === user.toLowerCase());
      if (!owner) return [{ path: `subscription(${i})`, message: `unknown user ${user}` }];
      owner.subscriptions.push({
        ...subscription,
        subscriptionId:
          subscription.subscriptionId ??
          derivedGuid(this.tenant.id, 'subscription', owner.id, subscription.displayName),
      });
      return [];
    });
    if (issues.length > 0) {
      throw new SeedError(
        `Invalid seed:\n${issues.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
        { issues },
      );
    }
    return {
      tenant: { ...this.tenant },
      apps: this.apps.map((a) => ({ ...a })),
      users,
      grants: [...this.grants],
      conditionalAccess: [...this.policies],
    };
  }

  /** Validates with the emulator's schema; throws a `SeedError` naming every bad field. */
  build(): Seed {
    return loadSeed(this.toJSON());
  }
}

/** A new {@link SeedBuilder}. */
export function seedBuilder(options?: SeedBuilderOptions): SeedBuilder {
  return new SeedBuilder(options);
}

/** A GUID from SHA-256 of the parts (version nibble 4, variant 8): stable across runs. */
function derivedGuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `8${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}

import type { EmulatorContext } from '../../context';
import { derivedGuid, GRAPH_APP_ID } from '../../directory';
import { resourceNotFound } from '../../errors/graph';
import { ARM_APP_ID } from '../../resources';
import { FIRST_PARTY_APP_IDS } from '../../seed/first-party';
import type { SeedApp } from '../../seed/schema';

/** Permission ids Microsoft publishes, so clients can use the real ones. */
const WELL_KNOWN_PERMISSION_IDS: Record<string, string> = {
  [`${ARM_APP_ID}/user_impersonation`]: '41094075-9dad-400e-a0bd-54e686782033',
  [`${GRAPH_APP_ID}/User.Read`]: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
};

/** A client secret as Graph lists it: never the secret, only its first three characters. */
export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
}

/**
 * The directory's apps as Graph objects: object ids, permission ids and the Graph-only facts
 * the seed format does not hold (secrets added through Graph, apps without a service principal).
 */
export class GraphObjects {
  private readonly permissionIds = new Map<string, string>();
  private readonly passwords = new Map<string, PasswordCredential[]>();
  /** Apps created through Graph that have no service principal yet. */
  private readonly withoutServicePrincipal = new Set<string>();

  constructor(private readonly ctx: EmulatorContext) {}

  isFirstParty(app: SeedApp): boolean {
    return FIRST_PARTY_APP_IDS.has(app.clientId);
  }

  /** The application's object id (stable, derived from its client id). */
  objectId(app: SeedApp): string {
    return derivedGuid(`application:${app.clientId}`);
  }

  /** The tenant's own application with this object id; 404 `Request_ResourceNotFound` else. */
  byObjectId(id: string): SeedApp {
    const app = this.ctx.seed.apps.find(
      (a) => this.objectId(a) === id.toLowerCase() && !this.isFirstParty(a),
    );
    if (!app) throw resourceNotFound(id);
    return app;
  }

  /** The id of a scope or app role `value` of `app`: as written through Graph, published, or derived. */
  permissionId(app: SeedApp, value: string): string {
    const key = `${app.clientId}/${value}`;
    return (
      this.permissionIds.get(key) ??
      WELL_KNOWN_PERMISSION_IDS[key] ??
      derivedGuid(`permission:${key}`)
    );
  }

  setPermissionId(app: SeedApp, value: string, id: string): void {
    this.permissionIds.set(`${app.clientId}/${value}`, id.toLowerCase());
  }

  /** Seeded secrets (by hint) and those added through Graph. */
  passwordsOf(app: SeedApp): PasswordCredential[] {
    const known = this.passwords.get(app.clientId) ?? [];
    const seeded = app.secrets
      .filter((s) => !known.some((k) => k.hint === s.slice(0, 3)))
      .map((s, i) => ({
        keyId: derivedGuid(`password:${app.clientId}/${i}`),
        displayName: 'seed',
        hint: s.slice(0, 3),
        startDateTime: new Date(0).toISOString(),
        endDateTime: '2299-12-31T00:00:00Z',
      }));
    return [...seeded, ...known];
  }

  addPassword(app: SeedApp, credential: PasswordCredential): void {
    this.passwords.set(app.clientId, [...(this.passwords.get(app.clientId) ?? []), credential]);
  }

  hasServicePrincipal(app: SeedApp): boolean {
    return !this.withoutServicePrincipal.has(app.clientId);
  }

  /** Records an app created through Graph, which has no service principal until one is created. */
  createdWithoutServicePrincipal(app: SeedApp): void {
    this.withoutServicePrincipal.add(app.clientId);
  }

  /** Creates the app's service principal; false when it already has one. */
  createServicePrincipal(app: SeedApp): boolean {
    return this.withoutServicePrincipal.delete(app.clientId);
  }
}

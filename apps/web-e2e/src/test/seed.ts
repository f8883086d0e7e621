import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@obo/config';

export const workspaceRoot = findWorkspaceRoot(__dirname);

interface SeedAppJson {
  clientId: string;
  secrets?: string[];
  /** Subscriptions its service principal holds a role on. */
  subscriptions?: string[];
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  identifierUri?: string;
  scopes?: string[];
}

/** A B2C or External ID tenant of the seed. */
export interface SeedCustomerJson {
  tenantName: string;
  tenantId: string;
  apps: SeedAppJson[];
  users: { email: string; displayName: string }[];
}

interface SeedJson {
  apps: SeedAppJson[];
  b2c?: SeedCustomerJson;
  ciam?: SeedCustomerJson;
  users: {
    id: string;
    userPrincipalName: string;
    displayName: string;
    jobTitle?: string;
    mail?: string;
    subscriptions?: { subscriptionId: string; displayName: string }[];
  }[];
}

/** The emulator's default seed, as JSON. */
export function defaultSeed(): SeedJson {
  return JSON.parse(
    readFileSync(join(workspaceRoot, 'apps/entra-emulator/seed/default.json'), 'utf8'),
  ) as SeedJson;
}

/**
 * The default seed with the web apps' redirect and post-logout URIs moved to `webOrigin`, so
 * the tests never need port 3000 (a developer's `npm start` may hold it). Written to a temp
 * file; returns its path.
 */
export function seedFileFor(webOrigin: string, webClientId: string): string {
  const seed = defaultSeed();
  const web = seed.apps.find((a) => a.clientId === webClientId);
  if (!web) throw new Error('the default seed has no web app');
  web.redirectUris = [`${webOrigin}/auth/redirect`, `${webOrigin}/getAToken`];
  web.postLogoutRedirectUris = [`${webOrigin}/`];
  // The B2C and External ID web apps too, for the customer-tenant tests.
  for (const tenant of [seed.b2c, seed.ciam]) {
    for (const app of tenant?.apps.filter((a) => a.redirectUris?.length) ?? []) {
      app.redirectUris = [`${webOrigin}/auth/redirect`];
      app.postLogoutRedirectUris = [`${webOrigin}/`];
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'obo-e2e-seed-'));
  const path = join(dir, 'seed.json');
  writeFileSync(path, JSON.stringify(seed, null, 2));
  return path;
}

/** A seeded user's subscriptions. */
export function seededSubscriptions(
  username: string,
): { subscriptionId: string; displayName: string }[] {
  const user = defaultSeed().users.find((u) => u.userPrincipalName === username);
  if (!user) throw new Error(`no seeded user ${username}`);
  return user.subscriptions ?? [];
}

export function displayNameOf(username: string): string {
  const user = defaultSeed().users.find((u) => u.userPrincipalName === username);
  if (!user) throw new Error(`no seeded user ${username}`);
  return user.displayName;
}

/** A seeded workforce user as the seed has them (Graph's profile fields included). */
export function seededUser(username: string): SeedJson['users'][number] {
  const user = defaultSeed().users.find((u) => u.userPrincipalName === username);
  if (!user) throw new Error(`no seeded user ${username}`);
  return user;
}

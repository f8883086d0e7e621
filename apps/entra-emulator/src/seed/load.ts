import { readFileSync } from 'node:fs';
import defaultSeedJson from '../../seed/default.json';
import { withFirstPartyClients } from './first-party';
import { seedSchema, type Seed, type SeedInput } from './schema';

/** Thrown for a seed that cannot be read or does not validate; the message names each bad field. */
export class SeedError extends Error {
  readonly code = 'ERR_SEED_INVALID';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeedError';
  }
}

/**
 * Validates a seed given as an object or as a path to a JSON file; no argument gives the
 * built-in default seed (`seed/default.json`). Throws SeedError naming every bad field.
 */
export function loadSeed(seed?: SeedInput | string): Seed {
  let raw: unknown = seed ?? defaultSeedJson;
  let source = seed === undefined ? 'default seed' : 'seed';
  if (typeof seed === 'string') {
    source = `seed ${seed}`;
    try {
      raw = JSON.parse(readFileSync(seed, 'utf8'));
    } catch (cause) {
      throw new SeedError(`Cannot read ${source}: ${(cause as Error).message}`, { cause });
    }
  }
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  - ${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new SeedError(`Invalid ${source}:\n${lines.join('\n')}`);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) {
    throw new SeedError(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return withFirstPartyClients(parsed.data);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key),
    '',
  );
}

/** Rules zod cannot see: uniqueness and references between entries. */
function crossCheck(seed: Seed): string[] {
  const problems: string[] = [];
  const clientIds = new Set<string>();
  const resources = new Set<string>();
  seed.apps.forEach((app, i) => {
    const id = app.clientId.toLowerCase();
    if (clientIds.has(id))
      problems.push(`apps[${i}].clientId: duplicate client id ${app.clientId}`);
    clientIds.add(id);
    resources.add(id);
    app.identifierUris.forEach((uri) => resources.add(uri.toLowerCase()));
  });
  const known = (r: string) => resources.has(r.toLowerCase());
  seed.apps.forEach((app, i) =>
    app.requiredResourceAccess.forEach((access, j) => {
      if (!known(access.resource))
        problems.push(
          `apps[${i}].requiredResourceAccess[${j}].resource: unknown resource ${access.resource}`,
        );
    }),
  );
  const upns = new Set<string>();
  seed.users.forEach((user, i) => {
    const upn = user.userPrincipalName.toLowerCase();
    if (upns.has(upn))
      problems.push(`users[${i}].userPrincipalName: duplicate ${user.userPrincipalName}`);
    upns.add(upn);
  });
  const userIds = new Set(seed.users.map((u) => u.id.toLowerCase()));
  seed.apps.forEach((app, i) =>
    app.owners.forEach((owner, j) => {
      if (!upns.has(owner.toLowerCase()) && !userIds.has(owner.toLowerCase()))
        problems.push(`apps[${i}].owners[${j}]: unknown user ${owner}`);
    }),
  );
  const subscriptionIds = new Set(
    seed.users.flatMap((u) => u.subscriptions.map((s) => s.subscriptionId.toLowerCase())),
  );
  seed.apps.forEach((app, i) =>
    app.subscriptions?.forEach((id, j) => {
      if (!subscriptionIds.has(id.toLowerCase()))
        problems.push(`apps[${i}].subscriptions[${j}]: unknown subscription ${id}`);
    }),
  );
  seed.grants.forEach((grant, i) => {
    if (!clientIds.has(grant.clientId.toLowerCase()))
      problems.push(`grants[${i}].clientId: unknown app ${grant.clientId}`);
    if (!known(grant.resource))
      problems.push(`grants[${i}].resource: unknown resource ${grant.resource}`);
  });
  seed.conditionalAccess.forEach((policy, i) =>
    policy.resources.forEach((r, j) => {
      if (!known(r))
        problems.push(`conditionalAccess[${i}].resources[${j}]: unknown resource ${r}`);
    }),
  );
  return problems;
}

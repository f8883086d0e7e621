import { readFileSync } from 'node:fs';
import defaultSeedJson from '../../seed/default.json';
import { withFirstPartyClients } from './first-party';
import { seedSchema, type Seed, type SeedInput } from './schema';

/** One problem of a seed: the field's path (`users[1].userPrincipalName`) and what is wrong. */
export interface SeedIssue {
  path: string;
  message: string;
}

/**
 * Thrown for a seed that cannot be read or does not validate; `issues` (and the message) name
 * each bad field. A seed that cannot be read has no issues, only a message and its cause.
 */
export class SeedError extends Error {
  readonly code = 'ERR_SEED_INVALID';
  readonly issues: readonly SeedIssue[];
  constructor(message: string, options?: { cause?: unknown; issues?: SeedIssue[] }) {
    super(message, options);
    this.name = 'SeedError';
    this.issues = options?.issues ?? [];
  }
}

function invalid(source: string, issues: SeedIssue[]): SeedError {
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
  return new SeedError(`Invalid ${source}:\n${lines.join('\n')}`, { issues });
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
    throw invalid(
      source,
      parsed.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
      })),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw invalid(source, problems);
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
function crossCheck(seed: Seed): SeedIssue[] {
  const problems: SeedIssue[] = [];
  const clientIds = new Set<string>();
  const resources = new Set<string>();
  seed.apps.forEach((app, i) => {
    const id = app.clientId.toLowerCase();
    if (clientIds.has(id))
      problems.push({
        path: `apps[${i}].clientId`,
        message: `duplicate client id ${app.clientId}`,
      });
    clientIds.add(id);
    resources.add(id);
    app.identifierUris.forEach((uri) => resources.add(uri.toLowerCase()));
  });
  const known = (r: string) => resources.has(r.toLowerCase());
  seed.apps.forEach((app, i) =>
    app.requiredResourceAccess.forEach((access, j) => {
      if (!known(access.resource))
        problems.push({
          path: `apps[${i}].requiredResourceAccess[${j}].resource`,
          message: `unknown resource ${access.resource}`,
        });
    }),
  );
  const upns = new Set<string>();
  seed.users.forEach((user, i) => {
    const upn = user.userPrincipalName.toLowerCase();
    if (upns.has(upn))
      problems.push({
        path: `users[${i}].userPrincipalName`,
        message: `duplicate ${user.userPrincipalName}`,
      });
    upns.add(upn);
  });
  const userIds = new Set(seed.users.map((u) => u.id.toLowerCase()));
  seed.apps.forEach((app, i) =>
    app.owners.forEach((owner, j) => {
      if (!upns.has(owner.toLowerCase()) && !userIds.has(owner.toLowerCase()))
        problems.push({ path: `apps[${i}].owners[${j}]`, message: `unknown user ${owner}` });
    }),
  );
  const subscriptionIds = new Set(
    seed.users.flatMap((u) => u.subscriptions.map((s) => s.subscriptionId.toLowerCase())),
  );
  seed.apps.forEach((app, i) =>
    app.subscriptions?.forEach((id, j) => {
      if (!subscriptionIds.has(id.toLowerCase()))
        problems.push({
          path: `apps[${i}].subscriptions[${j}]`,
          message: `unknown subscription ${id}`,
        });
    }),
  );
  seed.grants.forEach((grant, i) => {
    if (!clientIds.has(grant.clientId.toLowerCase()))
      problems.push({ path: `grants[${i}].clientId`, message: `unknown app ${grant.clientId}` });
    if (!known(grant.resource))
      problems.push({
        path: `grants[${i}].resource`,
        message: `unknown resource ${grant.resource}`,
      });
  });
  seed.conditionalAccess.forEach((policy, i) =>
    policy.resources.forEach((r, j) => {
      if (!known(r))
        problems.push({
          path: `conditionalAccess[${i}].resources[${j}]`,
          message: `unknown resource ${r}`,
        });
    }),
  );
  return problems;
}

import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GraphClient, type GraphWrite } from './graph-client';
import { mergeEnvFile, readEnvFile } from './env-file';

/** Azure Service Management (ARM) and its delegated `user_impersonation` permission. */
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const ARM_USER_IMPERSONATION = '41094075-9dad-400e-a0bd-54e686782033';
/** Microsoft Graph `User.Read` (what sign-in with `openid profile` needs). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_USER_READ = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d';
export const API_SCOPE = 'access_as_user';

/** Options of {@link registerApps}. */
export interface RegisterOptions {
  /** Graph root, e.g. `https://graph.microsoft.com` or the emulator's `https://localhost:8443/graph`. */
  graphUrl: string;
  /** A Graph access token allowed to manage applications. */
  token: string;
  /** Tenant id written to the `.env` files. */
  tenantId: string;
  /** Written as AZURE_AUTHORITY_HOST when set (emulator, sovereign clouds). */
  authorityHost?: string;
  /** The web app's redirect URI. Default `http://localhost:3000/auth/redirect`. */
  redirectUri?: string;
  /** Display-name prefix: the apps are `{prefix}api` and `{prefix}web`. Default `obo-`. */
  namePrefix?: string;
  /** Extra CA (PEM) for Graph (the emulator's). */
  ca?: string;
  /** Where the API's and the web app's dotenv files go. */
  envFiles: { api: string; web: string };
  /**
   * PEM files (private key + certificate) to use instead of a client secret, per app: the
   * certificate is registered on the app and the `.env` names the file
   * (AZURE_CLIENT_CERTIFICATE_PATH) instead of holding a secret.
   */
  certificates?: { api?: string; web?: string };
  /** Print what would be written; write nothing. */
  dryRun?: boolean;
  print?: (line: string) => void;
}

export interface RegisterResult {
  api: { appId: string; objectId: string };
  web: { appId: string; objectId: string };
  /** Graph writes made (planned, in a dry run); empty when everything was already in place. */
  writes: GraphWrite[];
  /** Dotenv files that changed. */
  envFilesWritten: string[];
}

interface ResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Scope' | 'Role' }[];
}
interface PermissionScope {
  id: string;
  value: string;
  isEnabled?: boolean;
  [key: string]: unknown;
}
/** The fields of a Graph `application` this tool reads. */
interface Application {
  id: string;
  appId: string;
  displayName: string;
  identifierUris?: string[];
  api?: {
    requestedAccessTokenVersion?: number | null;
    knownClientApplications?: string[];
    oauth2PermissionScopes?: PermissionScope[];
  };
  web?: { redirectUris?: string[] };
  requiredResourceAccess?: ResourceAccess[];
  passwordCredentials?: { hint?: string | null }[];
  keyCredentials?: { customKeyIdentifier?: string | null }[];
}

/**
 * Creates or updates the API and web app registrations, their service principals and
 * secrets, and writes each app's `.env`. Idempotent: existing apps are found by display name
 * and only what differs is PATCHed; a secret is added only when the app's `.env` does not
 * already hold one of the app's current secrets.
 */
export async function registerApps(options: RegisterOptions): Promise<RegisterResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const graph = new GraphClient({
    graphUrl: options.graphUrl,
    token: options.token,
    ca: options.ca,
    dryRun: options.dryRun,
    print,
  });
  const certificates = {
    api: options.certificates?.api ? readCertificate(options.certificates.api) : undefined,
    web: options.certificates?.web ? readCertificate(options.certificates.web) : undefined,
  };
  const prefix = options.namePrefix ?? 'obo-';
  const redirectUri = options.redirectUri ?? 'http://localhost:3000/auth/redirect';

  const api = await findOrCreate(graph, `${prefix}api`, print);
  const web = await findOrCreate(graph, `${prefix}web`, print);

  // The API: api://{appId}, access_as_user, v2 tokens, the web app as a known client
  // (combined consent), and the delegated permission on ARM it exchanges tokens for.
  const scopes = api.api?.oauth2PermissionScopes ?? [];
  const existingScope = scopes.find((s) => s.value === API_SCOPE);
  const scopeId = existingScope?.id ?? randomUUID();
  const wantedScopes: PermissionScope[] = existingScope
    ? scopes.map((s) => (s.value === API_SCOPE ? { ...s, isEnabled: true } : s))
    : [
        ...scopes,
        {
          id: scopeId,
          value: API_SCOPE,
          type: 'User',
          isEnabled: true,
          adminConsentDisplayName: 'Access the API as the signed-in user',
          adminConsentDescription: 'Lets the web app call the API on behalf of the signed-in user.',
          userConsentDisplayName: 'Access the API as you',
          userConsentDescription: 'Lets the web app call the API on your behalf.',
        },
      ];
  await patchDifferences(graph, api, print, {
    identifierUris: union(api.identifierUris, [`api://${api.appId}`]),
    api: {
      requestedAccessTokenVersion: 2,
      knownClientApplications: union(api.api?.knownClientApplications, [web.appId]),
      oauth2PermissionScopes: wantedScopes,
    },
    requiredResourceAccess: withAccess(
      api.requiredResourceAccess,
      ARM_APP_ID,
      ARM_USER_IMPERSONATION,
    ),
  });

  // The web app: its redirect URI, the API's scope and Graph User.Read (sign-in).
  await patchDifferences(graph, web, print, {
    web: { redirectUris: union(web.web?.redirectUris, [redirectUri]) },
    requiredResourceAccess: withAccess(
      withAccess(web.requiredResourceAccess, api.appId, scopeId),
      GRAPH_APP_ID,
      GRAPH_USER_READ,
    ),
  });

  for (const app of [api, web]) await ensureServicePrincipal(graph, app, print);

  const written: string[] = [];
  const common = {
    AZURE_TENANT_ID: options.tenantId,
    ...(options.authorityHost ? { AZURE_AUTHORITY_HOST: options.authorityHost } : {}),
  };
  for (const [name, app, extra] of [
    ['api', api, {}],
    ['web', web, { API_SCOPES: `api://${api.appId}/${API_SCOPE}` }],
  ] as const) {
    const path = options.envFiles[name];
    const certificate = certificates[name];
    let credential: Record<string, string | undefined>;
    if (certificate) {
      await ensureCertificate(graph, app, certificate, print);
      credential = {
        AZURE_CLIENT_CERTIFICATE_PATH: resolve(certificate.path),
        AZURE_CLIENT_SECRET: undefined, // one credential per app (@obo/config refuses two)
      };
    } else {
      const secret = await ensureSecret(graph, app, readEnvFile(path), print);
      credential = secret
        ? { AZURE_CLIENT_SECRET: secret, AZURE_CLIENT_CERTIFICATE_PATH: undefined }
        : {};
    }
    const values = {
      ...common,
      AZURE_CLIENT_ID: app.appId,
      ...credential,
      ...extra,
    };
    if (options.dryRun) {
      const set = Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined);
      print(`  would write ${set.join(', ')} to ${path}`);
    } else if (mergeEnvFile(path, values)) {
      written.push(path);
      print(
        `${name}: configuration (with its ${certificate ? 'certificate path' : 'client secret'}) written to ${path}`,
      );
    } else {
      print(`${name}: ${path} already up to date`);
    }
  }
  return {
    api: { appId: api.appId, objectId: api.id },
    web: { appId: web.appId, objectId: web.id },
    writes: graph.writes,
    envFilesWritten: written,
  };
}

async function findOrCreate(
  graph: GraphClient,
  displayName: string,
  print: (line: string) => void,
): Promise<Application> {
  const filter = encodeURIComponent(`displayName eq '${displayName.replace(/'/g, "''")}'`);
  const found = await graph.get<{ value: Application[] }>(`/applications?$filter=${filter}`);
  if (found.value.length > 1)
    throw new Error(
      `${found.value.length} applications are named '${displayName}': rename or delete all but one.`,
    );
  if (found.value[0]) {
    print(`${displayName}: found (appId ${found.value[0].appId})`);
    return found.value[0];
  }
  const body = { displayName, signInAudience: 'AzureADMyOrg' };
  const created = await graph.write<Application>('POST', '/applications', body, {
    ...body,
    id: `<new ${displayName} object id>`,
    appId: `<new ${displayName} appId>`,
  });
  print(`${displayName}: created (appId ${created.appId})`);
  return created;
}

/** PATCHes the top-level properties of `wanted` that differ from `app` (then updates `app`). */
async function patchDifferences(
  graph: GraphClient,
  app: Application,
  print: (line: string) => void,
  wanted: Partial<Application>,
): Promise<void> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const current = (app as unknown as Record<string, unknown>)[key];
    const merged =
      value && typeof value === 'object' && !Array.isArray(value)
        ? { ...(current as object), ...value }
        : value;
    if (!sameJson(current, merged)) patch[key] = merged;
  }
  if (Object.keys(patch).length === 0) {
    print(`${app.displayName}: up to date`);
    return;
  }
  await graph.write('PATCH', `/applications/${app.id}`, patch, undefined);
  Object.assign(app, patch);
  print(`${app.displayName}: updated ${Object.keys(patch).join(', ')}`);
}

async function ensureServicePrincipal(
  graph: GraphClient,
  app: Application,
  print: (line: string) => void,
): Promise<void> {
  const filter = encodeURIComponent(`appId eq '${app.appId}'`);
  const found = app.appId.startsWith('<')
    ? { value: [] }
    : await graph.get<{ value: unknown[] }>(`/servicePrincipals?$filter=${filter}`);
  if (found.value.length > 0) return;
  await graph.write('POST', '/servicePrincipals', { appId: app.appId }, undefined);
  print(`${app.displayName}: service principal created`);
}

/** A client certificate read from a PEM file holding it and its private key. */
interface ClientCertificate {
  path: string;
  der: Buffer;
  /** SHA-1 thumbprint, upper-case hex: Graph's `customKeyIdentifier`. */
  thumbprint: string;
}

/** Reads and checks a certificate file before anything is written anywhere. */
export function readCertificate(path: string): ClientCertificate {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the certificate file ${path}: ${(error as Error).message}`);
  }
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!block) throw new Error(`${path} holds no PEM certificate.`);
  if (!/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
    throw new Error(`${path} holds no private key: the app signs its assertions with it.`);
  }
  let der: Buffer;
  try {
    der = new X509Certificate(block).raw;
  } catch {
    throw new Error(`${path}: the certificate cannot be parsed.`);
  }
  return { path, der, thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase() };
}

/**
 * Registers `certificate` on `app` unless it is already there (same thumbprint). Graph's
 * PATCH replaces the app's certificate list.
 */
async function ensureCertificate(
  graph: GraphClient,
  app: Application,
  certificate: ClientCertificate,
  print: (line: string) => void,
): Promise<void> {
  const { der, thumbprint } = certificate;
  if ((app.keyCredentials ?? []).some((k) => k.customKeyIdentifier?.toUpperCase() === thumbprint)) {
    print(`${app.displayName}: certificate ${thumbprint} already registered`);
    return;
  }
  const replaced = (app.keyCredentials ?? []).length;
  const keyCredentials = [
    {
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      key: der.toString('base64'),
      displayName: 'register-apps',
    },
  ];
  await graph.write('PATCH', `/applications/${app.id}`, { keyCredentials }, undefined);
  app.keyCredentials = [{ customKeyIdentifier: thumbprint }];
  print(
    `${app.displayName}: certificate ${thumbprint} registered` +
      (replaced ? ` (replacing ${replaced} other certificate(s))` : ''),
  );
}

/**
 * The secret to write: none when the `.env` already holds a current secret of this app (its
 * first characters match a credential's `hint`), else a new one from `addPassword`.
 */
async function ensureSecret(
  graph: GraphClient,
  app: Application,
  env: Record<string, string>,
  print: (line: string) => void,
): Promise<string | undefined> {
  const existing = env.AZURE_CLIENT_SECRET;
  const current =
    env.AZURE_CLIENT_ID === app.appId &&
    existing !== undefined &&
    (app.passwordCredentials ?? []).some((c) => c.hint && existing.startsWith(c.hint));
  if (current) return undefined;
  const body = { passwordCredential: { displayName: 'register-apps' } };
  const added = await graph.write<{ secretText?: string }>(
    'POST',
    `/applications/${app.id}/addPassword`,
    body,
    {},
  );
  print(`${app.displayName}: client secret added`);
  return added.secretText;
}

function union(current: string[] | undefined, wanted: string[]): string[] {
  const result = [...(current ?? [])];
  for (const value of wanted) if (!result.includes(value)) result.push(value);
  return result;
}

/** `access` with the delegated permission `scopeId` on `resourceAppId` added if missing. */
function withAccess(
  access: ResourceAccess[] | undefined,
  resourceAppId: string,
  scopeId: string,
): ResourceAccess[] {
  const result = (access ?? []).map((a) => ({ ...a, resourceAccess: [...a.resourceAccess] }));
  let entry = result.find((a) => a.resourceAppId.toLowerCase() === resourceAppId.toLowerCase());
  if (!entry) {
    entry = { resourceAppId, resourceAccess: [] };
    result.push(entry);
  }
  if (
    !entry.resourceAccess.some(
      (r) => r.id.toLowerCase() === scopeId.toLowerCase() && r.type === 'Scope',
    )
  )
    entry.resourceAccess.push({ id: scopeId, type: 'Scope' });
  return result;
}

/** Deep equality of JSON values, object keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a as object).filter(
      (k) => (a as Record<string, unknown>)[k] !== undefined,
    );
    const kb = Object.keys(b as object).filter(
      (k) => (b as Record<string, unknown>)[k] !== undefined,
    );
    return (
      ka.length === kb.length &&
      ka.every((k) =>
        sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    );
  }
  return a === b;
}

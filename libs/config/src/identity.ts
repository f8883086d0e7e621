import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  authorityHostname,
  b2cAuthority,
  b2cDefaultHost,
  ciamAuthority,
  entraAuthority,
} from './authority';
import {
  armScope,
  cloudByAuthorityHost,
  cloudByName,
  CLOUD_NAMES,
  CLOUDS,
  GRAPH_HOSTS,
} from './clouds';
import { resolveCredential } from './credentials';
import { EMULATOR_DEFAULTS } from './emulator-defaults';
import { findWorkspaceRoot } from './env';
import { fields } from './fields';
import type { IssueList } from './issues';
import { isLoopbackAuthority } from './msal';
import { B2cProfile, CiamProfile } from './profile/customer';
import type {
  B2cConfig,
  ClientConfig,
  IdentityProfile,
  ProfileKind,
  ProfileSettings,
} from './profile/identity-profile';
import { EmulatorProfile, EntraProfile } from './profile/workforce';

const PROFILES = ['emulator', 'entra', 'b2c', 'ciam'] as const satisfies readonly ProfileKind[];

/** Variables every app that signs in or validates tokens reads. */
export const identityShape = {
  NODE_ENV: fields.string(),
  IDENTITY_PROFILE: fields.oneOf(PROFILES),
  ALLOW_EMULATOR_IN_PRODUCTION: fields.boolean(),
  AZURE_CLOUD: fields.string().refine((v) => v === undefined || cloudByName(v) !== undefined, {
    message: `expected one of: ${CLOUD_NAMES.join(', ')}`,
  }),
  AZURE_AUTHORITY_HOST: fields.httpsUrl(),
  AZURE_TENANT_ID: fields.tenant(),
  AZURE_CLIENT_ID: fields.guid(),
  AZURE_CLIENT_SECRET: fields.secret(),
  AZURE_CLIENT_CERTIFICATE_PATH: fields.path(),
  AZURE_CLIENT_CERTIFICATE_PASSWORD: fields.string(),
  AZURE_FEDERATED_TOKEN_FILE: fields.path(),
  B2C_TENANT_NAME: fields
    .string()
    .refine((v) => v === undefined || /^[a-z0-9][a-z0-9-]*$/i.test(v), {
      message: 'expected the tenant name only (contoso, not contoso.onmicrosoft.com)',
    }),
  B2C_HOST: fields.httpsUrl(),
  SIGNUPSIGNIN_USER_FLOW: fields.string(),
  EDITPROFILE_USER_FLOW: fields.string(),
  RESETPASSWORD_USER_FLOW: fields.string(),
  AUTHORITY: fields.httpsUrl(),
  ARM_ENDPOINT: fields.httpUrl(),
  EXTRA_CA_CERTS: fields.path(),
  EMULATOR_DATA_DIR: fields.path(),
};

export type IdentityVariables = z.infer<z.ZodObject<typeof identityShape>>;

/** Azure Resource Manager as the downstream API. */
export interface ArmConfig {
  /** Base URL requests go to (emulator: `https://localhost:8443/arm`). */
  endpoint: string;
  /** Audience of ARM tokens, e.g. `https://management.azure.com/`. */
  resource: string;
  /** Scope for OBO: `{resource}.default`. */
  scope: string;
}

/** Microsoft Graph as the web app calls it with the user's own token. */
export interface GraphConfig {
  /** Service root, without a version (emulator: `https://localhost:8443/graph`). */
  endpoint: string;
  /** Scopes of the token for it: `{Graph resource}/User.Read` (consented incrementally). */
  scopes: string[];
}

/** Which registration the app uses when the emulator profile fills in the defaults. */
export type AppRole = 'web' | 'api';

/** Picks the profile: explicit `IDENTITY_PROFILE`, else inferred from what is set. */
function inferProfile(vars: IdentityVariables): { profile: ProfileKind; defaulted: boolean } {
  if (vars.IDENTITY_PROFILE) return { profile: vars.IDENTITY_PROFILE, defaulted: false };
  if (vars.B2C_TENANT_NAME) return { profile: 'b2c', defaulted: false };
  if (vars.AUTHORITY) return { profile: 'ciam', defaulted: false };
  if (vars.AZURE_TENANT_ID || vars.AZURE_CLIENT_ID) return { profile: 'entra', defaulted: false };
  return { profile: 'emulator', defaulted: true };
}

/**
 * True when `env` (raw variables, e.g. an app's `.env`) leaves the identity to the local
 * emulator: no profile, tenant, client, B2C tenant or authority is named.
 */
export function usesEmulatorProfile(env: Record<string, string | undefined>): boolean {
  return inferProfile(env as IdentityVariables).profile === 'emulator';
}

/**
 * The identity profile the variables describe, or undefined after recording why not. The one
 * place the kind of tenant is switched on: everything after asks the profile object.
 */
export function resolveIdentity(
  vars: IdentityVariables,
  issues: IssueList,
  cwd: string,
): IdentityProfile | undefined {
  const { profile, defaulted } = inferProfile(vars);

  const emulatorRefused =
    profile === 'emulator' && vars.NODE_ENV === 'production' && !vars.ALLOW_EMULATOR_IN_PRODUCTION;
  if (emulatorRefused) {
    issues.add(
      'IDENTITY_PROFILE',
      'the emulator profile is refused when NODE_ENV=production: configure a tenant (AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential) or set ALLOW_EMULATOR_IN_PRODUCTION=true',
    );
  }

  const namedCloud = vars.AZURE_CLOUD ? cloudByName(vars.AZURE_CLOUD) : undefined;
  const cloud =
    namedCloud ??
    (vars.AZURE_AUTHORITY_HOST ? cloudByAuthorityHost(vars.AZURE_AUTHORITY_HOST) : undefined) ??
    CLOUDS.AzureCloud;

  // A refused emulator profile needs no emulator CA: naming it too would only mislead.
  const extraCa =
    emulatorRefused && vars.EXTRA_CA_CERTS === undefined
      ? undefined
      : readExtraCa(vars, profile, issues, cwd);

  switch (profile) {
    case 'emulator': {
      const authorityHost = vars.AZURE_AUTHORITY_HOST ?? EMULATOR_DEFAULTS.authorityHost;
      const tenantId = vars.AZURE_TENANT_ID ?? EMULATOR_DEFAULTS.tenantId;
      const authority = entraAuthority(authorityHost, tenantId);
      return new EmulatorProfile({
        defaulted,
        cloud: CLOUDS.AzureCloud,
        authorityHost,
        tenantId,
        authority,
        knownAuthorities: [authorityHostname(authority)],
        extraCa,
      });
    }
    case 'entra': {
      const authorityHost = vars.AZURE_AUTHORITY_HOST ?? cloud.authorityHost;
      const tenantId = vars.AZURE_TENANT_ID;
      if (!tenantId) {
        issues.require(
          'AZURE_TENANT_ID',
          tenantId,
          'for the entra profile: the tenant GUID or domain',
        );
        return undefined;
      }
      if (['common', 'organizations', 'consumers'].includes(tenantId.toLowerCase())) {
        issues.add(
          'AZURE_TENANT_ID',
          'expected a specific tenant, not common/organizations/consumers',
        );
        return undefined;
      }
      const authority = entraAuthority(authorityHost, tenantId);
      // Public-cloud hosts are discovered by MSAL itself; a custom host must be trusted explicitly.
      const known = cloudByAuthorityHost(authorityHost) ? [] : [authorityHostname(authority)];
      return new EntraProfile({
        defaulted,
        cloud,
        authorityHost,
        tenantId,
        authority,
        knownAuthorities: known,
        extraCa,
      });
    }
    case 'b2c': {
      const tenantName = vars.B2C_TENANT_NAME;
      const flow = vars.SIGNUPSIGNIN_USER_FLOW;
      issues.require(
        'B2C_TENANT_NAME',
        tenantName,
        'for the b2c profile: the B2C tenant name (contoso)',
      );
      issues.require(
        'SIGNUPSIGNIN_USER_FLOW',
        flow,
        'for the b2c profile: the sign-up/sign-in user flow (B2C_1_susi)',
      );
      if (!tenantName || !flow) return undefined;
      const host = vars.B2C_HOST ?? b2cDefaultHost(tenantName);
      const b2c: B2cConfig = {
        tenantName,
        host,
        signUpSignInPolicy: flow,
        editProfilePolicy: vars.EDITPROFILE_USER_FLOW,
        resetPasswordPolicy: vars.RESETPASSWORD_USER_FLOW,
      };
      const authority = b2cAuthority(tenantName, flow, host);
      const settings: ProfileSettings = {
        defaulted,
        cloud,
        authorityHost: host,
        tenantId: `${tenantName}.onmicrosoft.com`,
        authority,
        knownAuthorities: [authorityHostname(authority)],
        extraCa,
      };
      return new B2cProfile(settings, b2c);
    }
    case 'ciam': {
      if (!vars.AUTHORITY) {
        issues.require(
          'AUTHORITY',
          undefined,
          'for the ciam profile: https://{subdomain}.ciamlogin.com/',
        );
        return undefined;
      }
      const authority = ciamAuthority(vars.AUTHORITY);
      const url = new URL(authority);
      return new CiamProfile({
        defaulted,
        cloud,
        authorityHost: url.origin,
        tenantId: url.pathname.slice(1),
        authority,
        knownAuthorities: [url.host],
        extraCa,
      });
    }
  }
}

/** Client id and credential; the emulator profile fills in the role's well-known registration. */
export function resolveClient(
  vars: IdentityVariables,
  identity: IdentityProfile | undefined,
  role: AppRole,
  issues: IssueList,
): ClientConfig | undefined {
  const fallback = identity?.isEmulator ? EMULATOR_DEFAULTS[role] : undefined;
  const clientId = vars.AZURE_CLIENT_ID ?? fallback?.clientId;
  if (!clientId) {
    issues.require(
      'AZURE_CLIENT_ID',
      clientId,
      `for the ${identity?.kind ?? 'configured'} profile: the ${role} app's client (application) id`,
    );
  }
  const credential = resolveCredential(vars, issues, fallback?.clientSecret);
  return clientId && credential ? { clientId, credential } : undefined;
}

/** ARM endpoint and scope for the chosen cloud (emulator: its ARM on the emulator's server). */
export function resolveArm(vars: IdentityVariables, identity: IdentityProfile): ArmConfig {
  const endpoint =
    vars.ARM_ENDPOINT ??
    (identity.isEmulator
      ? `${identity.authorityHost}${EMULATOR_DEFAULTS.armPath}`
      : identity.cloud.armEndpoint);
  return {
    endpoint,
    resource: identity.cloud.armResource,
    scope: armScope(identity.cloud.armResource),
  };
}

/**
 * Microsoft Graph for the user's own token: `GRAPH_ENDPOINT`, else the emulator's `/graph` (the
 * emulator profile, or a loopback authority: the emulator's External ID tenant), else the cloud's
 * Graph. The scope names the national Graph host `GRAPH_ENDPOINT` points at (its tokens are for
 * that host), else the cloud's. Undefined, and `GRAPH_ENDPOINT` refused, when the provider
 * issues no delegated Graph tokens (Azure AD B2C).
 */
export function resolveGraph(
  endpoint: string | undefined,
  identity: IdentityProfile,
  issues: IssueList,
): GraphConfig | undefined {
  if (!identity.supportsDelegatedGraph) {
    if (endpoint !== undefined) {
      issues.add(
        'GRAPH_ENDPOINT',
        `the ${identity.kind} profile cannot call Microsoft Graph with the user's token (Azure AD B2C user-flow tokens are not Graph tokens): remove it`,
      );
    }
    return undefined;
  }
  if (endpoint !== undefined && /\/(v1\.0|beta)$/i.test(endpoint)) {
    issues.add(
      'GRAPH_ENDPOINT',
      'expected the service root without a version, e.g. https://graph.microsoft.com',
    );
    return undefined;
  }
  const local = identity.isEmulator || isLoopbackAuthority(identity.authorityHost);
  const root =
    endpoint ??
    (local
      ? `${identity.authorityHost}${EMULATOR_DEFAULTS.graphPath}`
      : identity.cloud.graphEndpoint);
  const origin = new URL(root).origin;
  const resource = GRAPH_HOSTS.includes(origin) ? origin : identity.cloud.graphEndpoint;
  return { endpoint: root, scopes: [`${resource}/User.Read`] };
}

/** The emulator's data folder: `EMULATOR_DATA_DIR`, else `.emulator` at the workspace root. */
export function emulatorDataDir(dataDir: string | undefined, cwd: string): string {
  if (dataDir) return isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir);
  return join(findWorkspaceRoot(cwd), EMULATOR_DEFAULTS.dataDir);
}

function readExtraCa(
  vars: IdentityVariables,
  profile: ProfileKind,
  issues: IssueList,
  cwd: string,
): IdentityProfile['extraCa'] {
  const path =
    vars.EXTRA_CA_CERTS !== undefined
      ? resolve(cwd, vars.EXTRA_CA_CERTS)
      : profile === 'emulator'
        ? join(emulatorDataDir(vars.EMULATOR_DATA_DIR, cwd), EMULATOR_DEFAULTS.caCertFile)
        : undefined;
  if (!path) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      issues.add('EXTRA_CA_CERTS', `${path} holds no PEM certificate`);
      return undefined;
    }
    return { path, pem };
  } catch {
    issues.add(
      'EXTRA_CA_CERTS',
      profile === 'emulator' && vars.EXTRA_CA_CERTS === undefined
        ? `the emulator's CA certificate is not at ${path}: ${startEmulatorHint(cwd)}`
        : `cannot read ${path}`,
    );
    return undefined;
  }
}

/** In a checkout, how to start the emulator; elsewhere (a container), what to set instead. */
function startEmulatorHint(cwd: string): string {
  return existsSync(join(findWorkspaceRoot(cwd), 'nx.json'))
    ? 'start the emulator first (npm run start:emulator) or set EXTRA_CA_CERTS'
    : "set EXTRA_CA_CERTS to the emulator's CA certificate (its ca.pem)";
}

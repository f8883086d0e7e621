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
  type Cloud,
} from './clouds';
import { resolveCredential, type ClientCredential } from './credentials';
import { EMULATOR_DEFAULTS } from './emulator-defaults';
import { findWorkspaceRoot } from './env';
import { fields } from './fields';
import type { IssueList } from './issues';

export const PROFILES = ['emulator', 'entra', 'b2c', 'ciam'] as const;
/** Which kind of identity provider the app talks to. */
export type Profile = (typeof PROFILES)[number];

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

/** Azure AD B2C user flows, when the profile is `b2c`. */
export interface B2cConfig {
  tenantName: string;
  /** `https://{tenant}.b2clogin.com` or a custom domain. */
  host: string;
  signUpSignInPolicy: string;
  editProfilePolicy?: string;
  resetPasswordPolicy?: string;
}

/** Where and how an app signs in; derived once, used for MSAL and token validation alike. */
export interface IdentityConfig {
  profile: Profile;
  /** The local Entra ID emulator's well-known development tenant: apps warn about it loudly. */
  isEmulator: boolean;
  /** True when no tenant was configured and the emulator profile applied by default. */
  defaulted: boolean;
  cloud: Cloud;
  /** e.g. `https://login.microsoftonline.com` (emulator: `https://localhost:8443`). */
  authorityHost: string;
  /** Tenant GUID or domain (B2C: `{name}.onmicrosoft.com`; CIAM: the authority's tenant). */
  tenantId: string;
  /** Sign-in authority (B2C: the sign-up/sign-in policy's). */
  authority: string;
  /** `host[:port]` entries for MSAL's `knownAuthorities`. */
  knownAuthorities: string[];
  b2c?: B2cConfig;
  /** PEM of extra trusted CAs (the emulator's CA in the emulator profile). */
  extraCa?: { path: string; pem: string };
}

/** The app's own registration. */
export interface ClientConfig {
  clientId: string;
  credential: ClientCredential;
}

/** Azure Resource Manager as the downstream API. */
export interface ArmConfig {
  /** Base URL requests go to (emulator: `https://localhost:8443/arm`). */
  endpoint: string;
  /** Audience of ARM tokens, e.g. `https://management.azure.com/`. */
  resource: string;
  /** Scope for OBO: `{resource}.default`. */
  scope: string;
}

/** Which registration the app uses when the emulator profile fills in the defaults. */
export type AppRole = 'web' | 'api';

/** Picks the profile: explicit `IDENTITY_PROFILE`, else inferred from what is set. */
export function inferProfile(vars: IdentityVariables): { profile: Profile; defaulted: boolean } {
  if (vars.IDENTITY_PROFILE) return { profile: vars.IDENTITY_PROFILE, defaulted: false };
  if (vars.B2C_TENANT_NAME) return { profile: 'b2c', defaulted: false };
  if (vars.AUTHORITY) return { profile: 'ciam', defaulted: false };
  if (vars.AZURE_TENANT_ID || vars.AZURE_CLIENT_ID) return { profile: 'entra', defaulted: false };
  return { profile: 'emulator', defaulted: true };
}

export function resolveIdentity(
  vars: IdentityVariables,
  issues: IssueList,
  cwd: string,
): IdentityConfig | undefined {
  const resolved = resolveProfile(vars, issues, cwd);
  return resolved && { ...resolved, isEmulator: resolved.profile === 'emulator' };
}

function resolveProfile(
  vars: IdentityVariables,
  issues: IssueList,
  cwd: string,
): Omit<IdentityConfig, 'isEmulator'> | undefined {
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
      return {
        profile,
        defaulted,
        cloud: CLOUDS.AzureCloud,
        authorityHost,
        tenantId,
        authority,
        knownAuthorities: [authorityHostname(authority)],
        extraCa,
      };
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
      return {
        profile,
        defaulted,
        cloud,
        authorityHost,
        tenantId,
        authority,
        knownAuthorities: known,
        extraCa,
      };
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
      return {
        profile,
        defaulted,
        cloud,
        authorityHost: host,
        tenantId: `${tenantName}.onmicrosoft.com`,
        authority,
        knownAuthorities: [authorityHostname(authority)],
        b2c,
        extraCa,
      };
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
      return {
        profile,
        defaulted,
        cloud,
        authorityHost: url.origin,
        tenantId: url.pathname.slice(1),
        authority,
        knownAuthorities: [url.host],
        extraCa,
      };
    }
  }
}

/** Client id and credential; the emulator profile fills in the role's well-known registration. */
export function resolveClient(
  vars: IdentityVariables,
  identity: IdentityConfig | undefined,
  role: AppRole,
  issues: IssueList,
): ClientConfig | undefined {
  const emulator = identity?.profile === 'emulator';
  const fallback = emulator ? EMULATOR_DEFAULTS[role] : undefined;
  const clientId = vars.AZURE_CLIENT_ID ?? fallback?.clientId;
  if (!clientId) {
    issues.require(
      'AZURE_CLIENT_ID',
      clientId,
      `for the ${identity?.profile ?? 'configured'} profile: the ${role} app's client (application) id`,
    );
  }
  const credential = resolveCredential(vars, issues, fallback?.clientSecret);
  return clientId && credential ? { clientId, credential } : undefined;
}

/** ARM endpoint and scope for the chosen cloud (emulator: its ARM on the emulator's server). */
export function resolveArm(vars: IdentityVariables, identity: IdentityConfig): ArmConfig {
  const endpoint =
    vars.ARM_ENDPOINT ??
    (identity.profile === 'emulator'
      ? `${identity.authorityHost}${EMULATOR_DEFAULTS.armPath}`
      : identity.cloud.armEndpoint);
  return {
    endpoint,
    resource: identity.cloud.armResource,
    scope: armScope(identity.cloud.armResource),
  };
}

/** The emulator's data folder: `EMULATOR_DATA_DIR`, else `.emulator` at the workspace root. */
export function emulatorDataDir(dataDir: string | undefined, cwd: string): string {
  if (dataDir) return isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir);
  return join(findWorkspaceRoot(cwd), EMULATOR_DEFAULTS.dataDir);
}

function readExtraCa(
  vars: IdentityVariables,
  profile: Profile,
  issues: IssueList,
  cwd: string,
): IdentityConfig['extraCa'] {
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

import { z } from 'zod';

/** A GUID in any version (first-party ids such as Graph's 00000003-0000-0000-c000-… are not RFC 4122). */
export const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a GUID');

const subscriptionSchema = z.object({
  subscriptionId: guid,
  displayName: z.string().min(1),
  state: z.enum(['Enabled', 'Disabled', 'Warned', 'PastDue', 'Deleted']).default('Enabled'),
});

const federatedCredentialSchema = z.object({
  name: z.string().optional(),
  issuer: z.string().min(1),
  subject: z.string().min(1),
  audiences: z.array(z.string()).default(['api://AzureADTokenExchange']),
  /**
   * The issuer's public keys inline (a JWK set), for offline tests. Without it the keys come
   * from the issuer's `/.well-known/openid-configuration` → `jwks_uri`.
   */
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).optional(),
});

const resourceAccessSchema = z.object({
  /** The resource's appId or one of its identifier URIs. */
  resource: z.string().min(1),
  /** Delegated permissions (scope values) the app asks for. */
  scopes: z.array(z.string()).default([]),
  /** Application permissions (app role values), treated as admin-consented. */
  roles: z.array(z.string()).default([]),
});

const appSchema = z.object({
  displayName: z.string().min(1),
  clientId: guid,
  /** Object id of the app's service principal (the `oid` of its app-only tokens). */
  servicePrincipalId: guid.optional(),
  secrets: z.array(z.string().min(1)).default([]),
  /** PEM certificates whose private keys may sign `client_assertion`s. */
  certificates: z.array(z.string().includes('BEGIN CERTIFICATE')).default([]),
  federatedCredentials: z.array(federatedCredentialSchema).default([]),
  redirectUris: z.array(z.string()).default([]),
  postLogoutRedirectUris: z.array(z.string()).default([]),
  identifierUris: z.array(z.string()).default([]),
  /** Delegated permissions this app exposes (e.g. `access_as_user`). */
  scopes: z.array(z.string()).default([]),
  /** Application roles this app exposes. */
  appRoles: z.array(z.string()).default([]),
  requiredResourceAccess: z.array(resourceAccessSchema).default([]),
  knownClientApplications: z.array(guid).default([]),
  requestedAccessTokenVersion: z.union([z.literal(1), z.literal(2)]).default(1),
  allowPublicClient: z.boolean().default(false),
  /**
   * Users (id or userPrincipalName) who own the registration: they, and the directory's
   * application administrators, may change it through Graph. Apps created through Graph are
   * owned by their creator.
   */
  owners: z.array(z.string()).default([]),
  /**
   * Subscriptions (ids of subscriptions seeded on users) on which the app's service principal
   * holds an Azure role: what ARM lists for its app-only tokens.
   */
  subscriptions: z.array(guid).optional(),
});

/** Entra directory roles that may manage every app registration (Graph). */
export const APP_ADMIN_ROLES = [
  'Global Administrator',
  'Application Administrator',
  'Cloud Application Administrator',
] as const;

/**
 * The profile Microsoft Graph returns for a user (`GET /v1.0/me`); a field left out is `null`
 * there (`businessPhones`: `[]`), as Graph answers for an unset property.
 */
const graphProfileShape = {
  givenName: z.string().optional(),
  surname: z.string().optional(),
  jobTitle: z.string().optional(),
  mail: z.string().includes('@').optional(),
  mobilePhone: z.string().optional(),
  officeLocation: z.string().optional(),
  /** e.g. `en-US`. */
  preferredLanguage: z.string().optional(),
  businessPhones: z.array(z.string()).default([]),
};

const userSchema = z.object({
  id: guid,
  userPrincipalName: z.string().includes('@'),
  displayName: z.string().min(1),
  ...graphProfileShape,
  password: z.string().min(1),
  subscriptions: z.array(subscriptionSchema).default([]),
  /** Directory roles; those in {@link APP_ADMIN_ROLES} may change any app registration. */
  directoryRoles: z.array(z.enum(APP_ADMIN_ROLES)).default([]),
});

const grantSchema = z.object({
  clientId: guid,
  resource: z.string().min(1),
  scopes: z.array(z.string()).min(1),
  /** `AllPrincipals` (admin consent) or a user's id / userPrincipalName. */
  principal: z.string().default('AllPrincipals'),
});

const conditionalAccessSchema = z.object({
  id: guid,
  displayName: z.string().min(1),
  /** User ids or userPrincipalNames the policy applies to. */
  users: z.array(z.string()).min(1),
  /** Resources (appId or identifier URI) whose tokens require MFA for those users. */
  resources: z.array(z.string()).min(1),
});

/** An app registered in a B2C or External ID (CIAM) tenant. */
const customerAppSchema = z.object({
  displayName: z.string().min(1),
  clientId: guid,
  secrets: z.array(z.string().min(1)).default([]),
  redirectUris: z.array(z.string()).default([]),
  postLogoutRedirectUris: z.array(z.string()).default([]),
  /** Identifier URI of an API app, e.g. `https://obodevb2c.onmicrosoft.com/api`. */
  identifierUri: z.string().optional(),
  /** Scope values the app exposes (e.g. `demo.read`); full scope: `{identifierUri}/{value}`. */
  scopes: z.array(z.string()).default([]),
});

/**
 * A local account (email + password) of a B2C or CIAM tenant; External ID users' Graph profile
 * (`GET /v1.0/me`) adds the optional Graph fields (`mail` defaults to the email).
 */
const customerUserSchema = z.object({
  id: guid,
  email: z.string().includes('@'),
  password: z.string().min(1),
  displayName: z.string().min(1),
  ...graphProfileShape,
});

const customerTenantShape = {
  /** The tenant name: `obodevb2c` for `obodevb2c.onmicrosoft.com`. */
  tenantName: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'expected a tenant name (contoso)'),
  tenantId: guid,
  displayName: z.string().min(1).default('Customer tenant'),
  apps: z.array(customerAppSchema).default([]),
  users: z.array(customerUserSchema).default([]),
};

/** Azure AD B2C: user flows (policies) at `/{tenant}.onmicrosoft.com/{policy}/...`. */
const b2cSchema = z.object({
  ...customerTenantShape,
  policies: z.object({
    signUpSignIn: z.string().min(1).default('B2C_1_susi'),
    editProfile: z.string().min(1).optional(),
    resetPassword: z.string().min(1).optional(),
  }),
});

/** Microsoft Entra External ID (CIAM): `/{tenant}.onmicrosoft.com/...`, no policies. */
const ciamSchema = z.object(customerTenantShape);

/** The emulator's directory: one tenant with its apps, users, consents and subscriptions. */
export const seedSchema = z.object({
  tenant: z.object({
    id: guid,
    domain: z.string().min(1),
    displayName: z.string().min(1),
  }),
  apps: z.array(appSchema).min(1),
  users: z.array(userSchema).default([]),
  grants: z.array(grantSchema).default([]),
  conditionalAccess: z.array(conditionalAccessSchema).default([]),
  /** An optional Azure AD B2C tenant served by the same server. */
  b2c: b2cSchema.optional(),
  /** An optional External ID (CIAM) tenant served by the same server. */
  ciam: ciamSchema.optional(),
});

/** A validated seed (defaults applied). */
export type Seed = z.output<typeof seedSchema>;
/** What a seed file or object may contain (optional fields may be left out). */
export type SeedInput = z.input<typeof seedSchema>;
export type SeedApp = Seed['apps'][number];
export type SeedUser = Seed['users'][number];
export type SeedSubscription = SeedUser['subscriptions'][number];
export type SeedFederatedCredential = SeedApp['federatedCredentials'][number];
export type SeedB2c = NonNullable<Seed['b2c']>;
export type SeedCiam = NonNullable<Seed['ciam']>;
export type SeedCustomerApp = SeedB2c['apps'][number];
export type SeedCustomerUser = SeedB2c['users'][number];

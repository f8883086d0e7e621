import { X509Certificate } from 'node:crypto';
import type { Response } from 'express';
import type { EmulatorContext } from '../../context';
import { derivedGuid } from '../../directory';
import type { SeedApp, SeedUser } from '../../seed/schema';
import { siteOf } from '../../sites/site';
import type { GraphObjects } from './objects';

/** Microsoft's own tenant: the owner of first-party service principals. */
const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/**
 * The `@odata.context` of a response (`applications`, `users/$entity`…), on the Graph the
 * request's site names: `https://graph.microsoft.com/v1.0/$metadata#…` on graph.microsoft.com,
 * `https://localhost:8443/graph/v1.0/$metadata#…` on the emulator's own origin.
 */
export const odataContext = (res: Response, fragment: string) =>
  `${siteOf(res).names.graph}/v1.0/$metadata#${fragment}`;

/** An app registration as Graph's `application` resource. */
export function applicationResource(
  ctx: EmulatorContext,
  objects: GraphObjects,
  app: SeedApp,
): Record<string, unknown> {
  return {
    id: objects.objectId(app),
    appId: app.clientId,
    displayName: app.displayName,
    signInAudience: 'AzureADMyOrg',
    identifierUris: app.identifierUris,
    api: {
      requestedAccessTokenVersion: app.requestedAccessTokenVersion,
      knownClientApplications: app.knownClientApplications,
      oauth2PermissionScopes: app.scopes.map((value) => ({
        id: objects.permissionId(app, value),
        value,
        type: 'User',
        isEnabled: true,
        adminConsentDisplayName: value,
        adminConsentDescription: value,
      })),
    },
    appRoles: app.appRoles.map((value) => ({
      id: objects.permissionId(app, value),
      value,
      isEnabled: true,
      allowedMemberTypes: ['Application'],
    })),
    web: { redirectUris: app.redirectUris, logoutUrl: null },
    requiredResourceAccess: app.requiredResourceAccess.flatMap((access) => {
      const resource = ctx.directory.resource(access.resource);
      if (!resource) return [];
      return [
        {
          resourceAppId: resource.clientId,
          resourceAccess: [
            ...access.scopes.map((s) => ({ id: objects.permissionId(resource, s), type: 'Scope' })),
            ...access.roles.map((r) => ({ id: objects.permissionId(resource, r), type: 'Role' })),
          ],
        },
      ];
    }),
    passwordCredentials: objects.passwordsOf(app),
    keyCredentials: app.certificates.map((pem) => keyCredential(app, pem)),
  };
}

/** A registered certificate as Graph lists it: never the key itself (`key` is null on read). */
function keyCredential(app: SeedApp, pem: string): Record<string, unknown> {
  const cert = new X509Certificate(pem);
  const thumbprint = cert.fingerprint.replace(/:/g, '');
  return {
    keyId: derivedGuid(`key:${app.clientId}/${thumbprint}`),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: null,
    customKeyIdentifier: thumbprint,
    displayName: /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? null,
    startDateTime: new Date(cert.validFrom).toISOString(),
    endDateTime: new Date(cert.validTo).toISOString(),
  };
}

/** An app's service principal as Graph's `servicePrincipal` resource. */
export function servicePrincipalResource(
  ctx: EmulatorContext,
  objects: GraphObjects,
  app: SeedApp,
): Record<string, unknown> {
  return {
    id: ctx.directory.servicePrincipalId(app),
    appId: app.clientId,
    displayName: app.displayName,
    accountEnabled: true,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: objects.isFirstParty(app) ? MICROSOFT_TENANT_ID : ctx.seed.tenant.id,
    servicePrincipalNames: [app.clientId, ...app.identifierUris],
  };
}

/** A user as an owner (`directoryObject`) of an app. */
export function ownerResource(user: SeedUser): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
  };
}

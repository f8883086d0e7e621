import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { EmulatorContext } from '../../context';
import { badRequest } from '../../errors/graph';
import { GraphError } from '../../errors/wire';
import { guid, type SeedApp } from '../../seed/schema';
import type { GraphObjects } from './objects';

/** The `application` properties a create (POST) or update (PATCH) may write. */
const applicationWrite = z
  .object({
    displayName: z.string().min(1).max(120),
    identifierUris: z.array(z.string().min(1)),
    signInAudience: z.string(),
    api: z
      .object({
        requestedAccessTokenVersion: z.union([z.literal(1), z.literal(2), z.null()]),
        knownClientApplications: z.array(guid),
        oauth2PermissionScopes: z.array(
          z
            .object({ id: guid, value: z.string().min(1), isEnabled: z.boolean().optional() })
            .passthrough(),
        ),
      })
      .partial(),
    web: z
      .object({ redirectUris: z.array(z.string().url()) })
      .partial()
      .passthrough(),
    requiredResourceAccess: z.array(
      z.object({
        resourceAppId: guid,
        resourceAccess: z.array(z.object({ id: guid, type: z.enum(['Scope', 'Role']) })),
      }),
    ),
    // PATCH replaces the whole collection, as in Graph; `key` is the base64 DER certificate.
    keyCredentials: z
      .array(
        z
          .object({
            type: z.literal('AsymmetricX509Cert'),
            usage: z.literal('Verify'),
            key: z.string().min(1).max(16_384),
            displayName: z.string().max(120).nullish(),
          })
          .passthrough(),
      )
      .max(10),
  })
  .partial()
  .passthrough();
export type ApplicationWrite = z.infer<typeof applicationWrite>;

/** A request body as an application write; 400 `Request_BadRequest` naming the first bad field. */
export function parseApplicationWrite(body: unknown): ApplicationWrite {
  const parsed = applicationWrite.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Invalid value for '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Applies a create/update body to `app` (mutating it); throws before changing anything the body
 * cannot express in the seed (a bad certificate, an unknown resource or permission). Callers
 * apply to a draft and keep it only when this returns.
 */
export function applyApplicationWrite(
  ctx: EmulatorContext,
  objects: GraphObjects,
  app: SeedApp,
  body: ApplicationWrite,
): void {
  // Checked first: a bad certificate changes nothing else either.
  if (body.keyCredentials !== undefined) {
    app.certificates = body.keyCredentials.map((credential, i) => {
      try {
        return new X509Certificate(Buffer.from(credential.key, 'base64')).toString();
      } catch {
        throw new GraphError(
          400,
          'KeyCredentialsInvalidValue',
          `Key credential ${i}: 'key' is not a base64-encoded X.509 certificate.`,
        );
      }
    });
  }
  if (body.displayName !== undefined) app.displayName = body.displayName;
  if (body.identifierUris !== undefined) app.identifierUris = body.identifierUris;
  if (body.web?.redirectUris !== undefined) app.redirectUris = body.web.redirectUris;
  const api = body.api;
  if (api?.requestedAccessTokenVersion !== undefined)
    app.requestedAccessTokenVersion = api.requestedAccessTokenVersion === 2 ? 2 : 1;
  if (api?.knownClientApplications !== undefined)
    app.knownClientApplications = api.knownClientApplications;
  if (api?.oauth2PermissionScopes !== undefined) {
    const enabled = api.oauth2PermissionScopes.filter((s) => s.isEnabled !== false);
    for (const s of enabled) objects.setPermissionId(app, s.value, s.id);
    app.scopes = enabled.map((s) => s.value);
  }
  if (body.requiredResourceAccess !== undefined) {
    app.requiredResourceAccess = body.requiredResourceAccess.map((access) => {
      const resource = ctx.directory.app(access.resourceAppId);
      if (!resource)
        throw badRequest(`Resource application '${access.resourceAppId}' is not in the directory.`);
      const named = (type: 'Scope' | 'Role', values: string[]) =>
        access.resourceAccess
          .filter((a) => a.type === type)
          .map((a) => {
            const value = values.find(
              (v) => objects.permissionId(resource, v) === a.id.toLowerCase(),
            );
            if (!value)
              throw badRequest(
                `Permission '${a.id}' (${type}) is not exposed by '${resource.displayName}'.`,
              );
            return value;
          });
      return {
        resource: resource.clientId,
        scopes: named('Scope', resource.scopes),
        roles: named('Role', resource.appRoles),
      };
    });
  }
}

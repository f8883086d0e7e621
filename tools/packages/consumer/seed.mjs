// The consumer's own tenant, built in code with the emulator's seed builder.
import { seedBuilder } from '@obo/entra-emulator';

export const WEB = {
  clientId: 'fab00000-0000-4000-8000-000000000001',
  secret: 'fabrikam-web-secret',
};
export const API = {
  clientId: 'fab00000-0000-4000-8000-000000000002',
  secret: 'fabrikam-api-secret',
};
export const ARM = 'https://management.azure.com/';
export const MEGAN = 'megan@fabrikam.onmicrosoft.com';
/** Conditional Access asks Lee for MFA on Azure management. */
export const LEE = 'lee@fabrikam.onmicrosoft.com';

export function fabrikam() {
  return seedBuilder({ tenant: { domain: 'fabrikam.onmicrosoft.com' } })
    .app({
      displayName: 'Fabrikam Web',
      clientId: WEB.clientId,
      secrets: [WEB.secret],
      requiredResourceAccess: [{ resource: `api://${API.clientId}`, scopes: ['access_as_user'] }],
    })
    .app({
      displayName: 'Fabrikam API',
      clientId: API.clientId,
      secrets: [API.secret],
      identifierUris: [`api://${API.clientId}`],
      scopes: ['access_as_user'],
      requestedAccessTokenVersion: 2,
      knownClientApplications: [WEB.clientId],
      requiredResourceAccess: [{ resource: ARM, scopes: ['user_impersonation'] }],
    })
    .user({ userPrincipalName: MEGAN, displayName: 'Megan Bowen' })
    .user({ userPrincipalName: LEE, displayName: 'Lee Gu' })
    .subscription(MEGAN, { displayName: 'Fabrikam Production' })
    .subscription(MEGAN, { displayName: 'Fabrikam Development' })
    .subscription(LEE, { displayName: 'Fabrikam Sandbox' })
    .grant({
      clientId: WEB.clientId,
      resource: `api://${API.clientId}`,
      scopes: ['access_as_user'],
    })
    .grant({ clientId: API.clientId, resource: ARM, scopes: ['user_impersonation'] })
    .conditionalAccess({ displayName: 'MFA for Lee on Azure', users: [LEE], resources: [ARM] });
}

/** Starts an Express app on a free loopback port; resolves to its base URL and a closer. */
export function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => server.close(done)),
      }),
    );
  });
}

import type { NodeAuthOptions } from '@azure/msal-node';
import { readFederatedAssertion, type ClientCredential } from './credentials';
import type { ClientConfig, IdentityConfig } from './identity';

/**
 * MSAL `auth` options derived in one place. In the emulator profile, and for any authority on
 * a loopback host (`localhost`, `127.0.0.1`, `[::1]`: the emulator's B2C and CIAM tenants),
 * the authority's metadata is supplied inline, so MSAL never calls instance discovery or
 * fetches the openid-configuration: no request leaves the machine.
 *
 * @param authority overrides the sign-in authority (the API passes the token's tenant; B2C
 *   passes another user flow's authority).
 */
export function msalAuthOptions(
  identity: IdentityConfig,
  client: ClientConfig,
  authority: string = identity.authority,
): NodeAuthOptions {
  const options: NodeAuthOptions = {
    clientId: client.clientId,
    authority,
    knownAuthorities: identity.knownAuthorities,
    ...msalCredential(client.credential),
  };
  // The emulator, or any authority on a loopback host (the emulator's B2C and CIAM tenants).
  if (identity.profile === 'emulator' || isLoopbackAuthority(authority)) {
    options.authorityMetadata = JSON.stringify(emulatorAuthorityMetadata(authority));
  }
  return options;
}

/** The credential part of MSAL's `auth` options. */
export function msalCredential(
  credential: ClientCredential,
): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate' | 'clientAssertion'> {
  switch (credential.kind) {
    case 'secret':
      return { clientSecret: credential.secret.reveal() };
    case 'certificate':
      return {
        clientCertificate: {
          thumbprintSha256: credential.thumbprintSha256,
          privateKey: credential.privateKey.reveal(),
          x5c: credential.x5c,
        },
      };
    case 'federated':
      // Re-read per token request: the platform rotates the projected token file.
      return { clientAssertion: async () => readFederatedAssertion(credential.tokenFile) };
  }
}

/** The OpenID configuration the emulator serves for `authority` (same paths as Entra v2). */
export function emulatorAuthorityMetadata(authority: string): Record<string, unknown> {
  const base = authority.replace(/\/+$/, '');
  return {
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
  };
}

/** True for `https://localhost…`, `https://127.0.0.1…` and `https://[::1]…` authorities. */
export function isLoopbackAuthority(authority: string): boolean {
  const host = new URL(authority).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

import type { NodeAuthOptions } from '@azure/msal-node';
import { readFederatedAssertion, type ClientCredential } from './credentials';

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

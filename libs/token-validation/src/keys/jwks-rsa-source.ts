import { createPublicKey } from 'node:crypto';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { JwksClient } from 'jwks-rsa';
import type { KeySource, SigningKeyEntry } from './key-source';

export interface JwksRsaKeySourceOptions {
  /** Extra trusted CA (PEM), added to Node's root certificates for HTTPS JWKS URLs. */
  ca?: string | Buffer;
  /** Timeout of one JWKS request. Default 10 000 ms. */
  timeoutMs?: number;
}

/** RSA keys shorter than this are ignored: Entra publishes 2048-bit keys. */
const MIN_RSA_BITS = 2048;

/**
 * The bottom layer: one fetch of a whole JWKS with jwks-rsa, every key parsed once into a
 * `KeyObject`. jwks-rsa's own cache and rate limit are off: the layers above do both per kid.
 */
export function createJwksRsaKeySource(options: JwksRsaKeySourceOptions = {}): KeySource {
  const requestAgent = options.ca
    ? new Agent({ ca: [...rootCertificates, options.ca.toString()], keepAlive: false })
    : undefined;
  const clients = new Map<string, JwksClient>();

  const clientFor = (jwksUri: string): JwksClient => {
    let client = clients.get(jwksUri);
    if (!client) {
      client = new JwksClient({
        jwksUri,
        cache: false,
        rateLimit: false,
        timeout: options.timeoutMs ?? 10_000,
        ...(requestAgent && { requestAgent }),
      });
      clients.set(jwksUri, client);
    }
    return client;
  };

  return {
    async fetchKeys(jwksUri: string): Promise<SigningKeyEntry[]> {
      const signingKeys = await clientFor(jwksUri).getSigningKeys();
      const entries: SigningKeyEntry[] = [];
      for (const signingKey of signingKeys) {
        if (typeof signingKey.kid !== 'string' || signingKey.kid === '') continue;
        const key = createPublicKey(signingKey.getPublicKey());
        const bits = key.asymmetricKeyDetails?.modulusLength;
        if (key.asymmetricKeyType === 'rsa' && (bits === undefined || bits < MIN_RSA_BITS)) {
          continue;
        }
        entries.push({ kid: signingKey.kid, key, ...(signingKey.alg && { alg: signingKey.alg }) });
      }
      return entries;
    },
  };
}

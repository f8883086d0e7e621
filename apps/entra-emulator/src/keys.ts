import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import { signJwt } from './jwt';

/** One token-signing key as Entra publishes it: `kid` = `x5t` = SHA-1 thumbprint of its certificate. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Base64 DER of the key's self-signed certificate (`x5c`). */
  certificate: string;
  /** Epoch ms after which a rotated-out key leaves the JWKS; undefined while current. */
  retiresAt?: number;
}

/** Signing keys: one current key plus rotated-out keys kept for an overlap period. */
export class KeyRing {
  private keys: SigningKey[];

  constructor(
    private readonly now: () => number,
    initialKeyPem?: string,
  ) {
    this.keys = [createSigningKey(initialKeyPem)];
  }

  get current(): SigningKey {
    return this.keys[0];
  }

  /** Keys still published: the current one and those inside their overlap period. */
  published(): SigningKey[] {
    const now = this.now();
    this.keys = this.keys.filter((k) => k.retiresAt === undefined || k.retiresAt > now);
    return this.keys;
  }

  find(kid: unknown): SigningKey | undefined {
    return this.published().find((k) => k.kid === kid);
  }

  /**
   * Makes a new key current. The previous key stays in the JWKS (and keeps verifying) for
   * `overlapMs`. Default 3 600 000 ms (1 hour); 0 removes it at once.
   */
  rotate(overlapMs = 3_600_000): SigningKey {
    const previous = this.keys[0];
    previous.retiresAt = this.now() + overlapMs;
    this.keys.unshift(createSigningKey());
    this.published();
    return this.keys[0];
  }

  /** The JWK set served at `/discovery/v2.0/keys`. */
  jwks(issuer: string): { keys: Record<string, unknown>[] } {
    return {
      keys: this.published().map((k) => {
        const jwk = k.publicKey.export({ format: 'jwk' });
        return {
          kty: 'RSA',
          use: 'sig',
          kid: k.kid,
          x5t: k.kid,
          n: jwk.n,
          e: jwk.e,
          x5c: [k.certificate],
          issuer,
        };
      }),
    };
  }

  sign(payload: Record<string, unknown>): string {
    const key = this.current;
    return signJwt(payload, key.privateKey, { kid: key.kid, x5t: key.kid });
  }
}

function createSigningKey(pem?: string): SigningKey {
  const privateKey = pem
    ? createPrivateKey(pem)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.UTC(2024, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(2034, 0, 1));
  const attrs = [{ name: 'commonName', value: 'accounts.emulator.local' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forgeKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return {
    kid: createHash('sha1').update(der).digest('base64url'),
    privateKey,
    publicKey: createPublicKey(privateKey),
    certificate: der.toString('base64'),
  };
}

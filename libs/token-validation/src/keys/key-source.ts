import type { KeyObject } from 'node:crypto';

/** One public signing key from a JWKS, already parsed. */
export interface SigningKeyEntry {
  kid: string;
  key: KeyObject;
  /** The JWK's `alg`, when the JWKS states one. */
  alg?: string;
}

/**
 * Where signing keys come from: one call fetches a whole key set. Rejects when the endpoint is
 * unreachable or answers with an error. The default is jwks-rsa over HTTP(S); tests inject their own.
 */
export interface KeySource {
  fetchKeys(jwksUri: string): Promise<SigningKeyEntry[]>;
}

import { verify } from 'node:crypto';
import { TokenValidationError } from '../errors';
import type { SigningKeyEntry } from '../keys/key-source';
import type { DecodedJwt } from './decode';

/**
 * Checks the RS256 signature with the cached `KeyObject` (no PEM parsing per call). The key
 * must be an RSA key (not RSA-PSS, EC or OKP) whose JWK, if it states an `alg`, states RS256.
 */
export function verifyRs256(jwt: DecodedJwt, entry: SigningKeyEntry): void {
  if (entry.key.asymmetricKeyType !== 'rsa' || (entry.alg !== undefined && entry.alg !== 'RS256')) {
    throw new TokenValidationError(
      'ERR_TOKEN_KEY_TYPE',
      'The signing key does not match the token algorithm.',
    );
  }
  let valid: boolean;
  try {
    valid = verify('sha256', Buffer.from(jwt.signingInput, 'latin1'), entry.key, jwt.signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new TokenValidationError('ERR_TOKEN_SIGNATURE', 'The token signature is invalid.');
  }
}

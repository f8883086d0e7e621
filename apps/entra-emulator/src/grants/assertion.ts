import { decodeJwt, verifyRs256 } from '../jwt';
import type { TenantClient, VerifiedAssertion } from '../tenants/tenant';
import { required, type GrantRequest } from './types';

/** Clock skew allowed on the assertion's `exp`/`nbf`, in seconds (Entra allows 5 minutes). */
const SKEW_S = 300;

/**
 * The user's access token a middle tier presents for On-Behalf-Of (`assertion`), checked as
 * its tenant checks it: signed by the tenant's key, issued by the tenant (`iss`, `tid`), valid
 * now, issued to `client` (`aud`: its client id or identifier URI), delegated (a user's `scp`
 * and `oid`, not an app-only token), and the user exists.
 */
export function verifyAssertion(g: GrantRequest, client: TenantClient): VerifiedAssertion {
  const { tenant } = g.realm;
  const { errors } = tenant;
  const jwt = decodeJwt(required(g, 'assertion'));
  if (!jwt) throw errors.invalidAssertion();
  const key = tenant.keys.find(jwt.header.kid);
  if (!key || !verifyRs256(jwt, key.publicKey)) {
    const reason = key ? 'The signature is invalid.' : 'The key was not found.';
    throw errors.assertionSignature(reason, jwt.header.kid);
  }
  const claims = jwt.payload;
  if (!tenant.assertionIssuers().includes(String(claims.iss))) {
    throw errors.assertionIssuer(claims.iss);
  }
  const now = Math.floor(g.ctx.now() / 1000);
  if (
    typeof claims.exp !== 'number' ||
    claims.exp + SKEW_S < now ||
    (typeof claims.nbf === 'number' && claims.nbf - SKEW_S > now)
  ) {
    throw errors.assertionExpired(g.ctx.now(), claims.exp);
  }
  const audiences = tenant.audiencesOf(client).map((a) => a.toLowerCase());
  if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud.toLowerCase())) {
    throw errors.assertionAudience(claims.aud, client.clientId);
  }
  if (claims.tid !== tenant.id) throw errors.assertionTenant();
  if (claims.idtyp === 'app' || typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
    throw errors.assertionAppOnly();
  }
  const user = tenant.user(claims.oid);
  if (!user) throw errors.unknownUser(claims.oid, tenant.id);
  return { claims, user };
}

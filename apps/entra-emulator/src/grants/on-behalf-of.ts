import { verifyAssertion } from './assertion';
import { authenticateClient } from './client-auth';
import type { Grant } from './types';

/**
 * On-Behalf-Of (`jwt-bearer` + `requested_token_use=on_behalf_of`): the middle tier presents
 * the user's access token it received; the tenant verifies it and issues a token for the
 * downstream resource (the workforce tenant subject to consent and Conditional Access).
 */
export const onBehalfOfGrant: Grant = async (g) => {
  const client = await authenticateClient(g);
  return g.realm.tenant.tokensOnBehalfOf(g, client, verifyAssertion(g, client.app));
};

import { challengeFromApiResponse } from './challenge';

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const B64 = Buffer.from(CLAIMS).toString('base64');

describe('challengeFromApiResponse', () => {
  it('maps a 401 insufficient_claims challenge', () => {
    const headers = { 'www-authenticate': `Bearer error="insufficient_claims", claims="${B64}"` };
    expect(challengeFromApiResponse(401, headers, {})).toEqual({ kind: 'claims', claims: CLAIMS });
  });

  it('ignores a 401 that is not a claims challenge', () => {
    const headers = { 'www-authenticate': 'Bearer error="invalid_token"' };
    expect(challengeFromApiResponse(401, headers, {})).toBeUndefined();
  });

  it('maps 403 consent_required with scopes and interaction_required with claims', () => {
    expect(
      challengeFromApiResponse(
        403,
        {},
        {
          error: 'consent_required',
          scopes: ['https://management.azure.com/user_impersonation', 'bad scope"<'],
        },
      ),
    ).toEqual({
      kind: 'consent',
      claims: undefined,
      scopes: ['https://management.azure.com/user_impersonation'],
    });
    expect(
      challengeFromApiResponse(403, {}, { error: 'interaction_required', claims: B64 }),
    ).toEqual({
      kind: 'interaction',
      claims: CLAIMS,
      scopes: undefined,
    });
  });

  it('leaves other errors alone', () => {
    expect(challengeFromApiResponse(403, {}, { error: 'insufficient_scope' })).toBeUndefined();
    expect(challengeFromApiResponse(500, {}, {})).toBeUndefined();
  });
});

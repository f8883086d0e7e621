import { challengeFromApiResponse, decodeClaims, parseBearerChallenge } from './challenge';

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const B64 = Buffer.from(CLAIMS).toString('base64');

describe('parseBearerChallenge', () => {
  it('reads quoted and token auth-params', () => {
    expect(
      parseBearerChallenge(`Bearer realm="", error="insufficient_claims", claims="${B64}", x=y`),
    ).toEqual({ realm: '', error: 'insufficient_claims', claims: B64, x: 'y' });
  });

  it('ignores other schemes', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(undefined)).toBeUndefined();
  });
});

describe('decodeClaims', () => {
  it('accepts base64 and plain JSON objects', () => {
    expect(decodeClaims(B64)).toBe(CLAIMS);
    expect(decodeClaims(CLAIMS)).toBe(CLAIMS);
  });

  it('refuses non-objects, garbage and oversized values', () => {
    expect(decodeClaims(Buffer.from('[1]').toString('base64'))).toBeUndefined();
    expect(decodeClaims('!!!')).toBeUndefined();
    expect(decodeClaims('x'.repeat(9000))).toBeUndefined();
    expect(decodeClaims(42)).toBeUndefined();
  });
});

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

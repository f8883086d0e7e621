import {
  claimsChallenge,
  decodeClaims,
  parseBearerChallenge,
  parseWwwAuthenticate,
} from './challenge';

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const B64 = Buffer.from(CLAIMS).toString('base64');

describe('parseWwwAuthenticate', () => {
  it('reads several challenges with quoted, token and token68 values', () => {
    expect(
      parseWwwAuthenticate(
        'Negotiate abc+/==, Basic realm="x, y", PoP nonce="n", Bearer realm="", error=invalid_token',
      ),
    ).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/==' },
      { scheme: 'basic', params: { realm: 'x, y' } },
      { scheme: 'pop', params: { nonce: 'n' } },
      { scheme: 'bearer', params: { realm: '', error: 'invalid_token' } },
    ]);
  });

  it('unescapes quoted-pairs and lower-cases names, keeping the first of a repeated param', () => {
    expect(parseWwwAuthenticate('BEARER Error_Description="say \\"hi\\"", a=1, A=2')).toEqual([
      { scheme: 'bearer', params: { error_description: 'say "hi"', a: '1' } },
    ]);
  });

  it('joins header lines given as an array', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer error="x"'])).toHaveLength(2);
  });

  it('skips junk and gives up on absurd sizes without throwing', () => {
    expect(parseWwwAuthenticate(', ,"=, Bearer x="unterminated')).toEqual([
      { scheme: 'bearer', params: { x: 'unterminated' } },
    ]);
    expect(parseWwwAuthenticate(`Bearer a="${'x'.repeat(20_000)}"`)).toEqual([]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('parseBearerChallenge', () => {
  it('reads quoted and token auth-params', () => {
    expect(
      parseBearerChallenge(`Bearer realm="", error="insufficient_claims", claims="${B64}", x=y`),
    ).toEqual({ realm: '', error: 'insufficient_claims', claims: B64, x: 'y' });
  });

  it('finds the Bearer challenge after another one', () => {
    expect(parseBearerChallenge('Basic realm="a", Bearer error="x"')).toEqual({ error: 'x' });
  });

  it('ignores other schemes', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge('Bearerish realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(undefined)).toBeUndefined();
  });
});

describe('decodeClaims', () => {
  it('accepts base64 and plain JSON objects', () => {
    expect(decodeClaims(B64)).toBe(CLAIMS);
    expect(decodeClaims(CLAIMS)).toBe(CLAIMS);
    expect(decodeClaims(Buffer.from(CLAIMS).toString('base64url'))).toBe(CLAIMS);
  });

  it('refuses non-objects, garbage and oversized values', () => {
    expect(decodeClaims(Buffer.from('[1]').toString('base64'))).toBeUndefined();
    expect(decodeClaims('!!!')).toBeUndefined();
    expect(decodeClaims('x'.repeat(9000))).toBeUndefined();
    expect(decodeClaims(42)).toBeUndefined();
  });
});

describe('claimsChallenge', () => {
  it('decodes the claims of an insufficient_claims challenge (ARM/Graph form)', () => {
    expect(
      claimsChallenge(
        `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${B64}"`,
      ),
    ).toBe(CLAIMS);
  });

  it('reads ARM’s revoked-session form: error="invalid_token" with claims', () => {
    expect(
      claimsChallenge(
        `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="User session has been revoked", claims="${B64}"`,
      ),
    ).toBe(CLAIMS);
  });

  it('answers undefined for another error, missing or undecodable claims', () => {
    expect(claimsChallenge(`Bearer error="insufficient_scope", claims="${B64}"`)).toBeUndefined();
    expect(claimsChallenge('Bearer error="invalid_token"')).toBeUndefined();
    expect(claimsChallenge('Bearer error="insufficient_claims"')).toBeUndefined();
    expect(claimsChallenge('Bearer error="insufficient_claims", claims="!!"')).toBeUndefined();
    expect(claimsChallenge(`Basic error="insufficient_claims", claims="${B64}"`)).toBeUndefined();
  });
});

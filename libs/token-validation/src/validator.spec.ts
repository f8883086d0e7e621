import { createPublicKey } from 'node:crypto';
import { inspect } from 'node:util';
import { TokenValidationError, TokenValidatorConfigError } from './errors';
import { b2cIssuer, ciamIssuer, entraIssuers } from './issuers';
import {
  appClaims,
  AUTHORITY,
  b64url,
  CLIENT_ID,
  FakeClock,
  FakeKeySource,
  goodClaims,
  ISSUER_V1,
  ISSUER_V2,
  makeEcKey,
  makeRsaKey,
  NOW_S,
  OTHER_TENANT,
  signHs256,
  signToken,
  TENANT,
} from './test/tokens';
import type { TokenValidatorOptions } from './types';
import { createTokenValidator } from './validator';

const key = makeRsaKey('key-1');
const otherKey = makeRsaKey('key-1'); // same kid, different key material
const ecKey = makeEcKey('ec-1');

function setup(options: Partial<TokenValidatorOptions> = {}) {
  const source = new FakeKeySource([key, ecKey]);
  const clock = new FakeClock();
  const validator = createTokenValidator({
    jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    audiences: [CLIENT_ID, `api://${CLIENT_ID}`],
    issuers: entraIssuers(AUTHORITY),
    allowedTenants: [TENANT],
    keySource: source,
    now: clock.now,
    ...options,
  });
  return { validator, source, clock };
}

async function rejection(promise: Promise<unknown>): Promise<TokenValidationError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TokenValidationError);
    return err as TokenValidationError;
  }
  throw new Error('expected the token to be rejected');
}

async function expectCode(
  token: string,
  code: string,
  options: Partial<TokenValidatorOptions> = {},
) {
  const { validator } = setup(options);
  const err = await rejection(validator.validate(token));
  expect(err.code).toBe(code);
  expect(err.status).toBe(401);
  if (token) expect(err.message).not.toContain(token);
  return err;
}

describe('createTokenValidator: accepted tokens', () => {
  it('accepts a delegated v2 token and reports what callers need', async () => {
    const { validator } = setup();
    const result = await validator.validate(signToken(goodClaims(), key));
    expect(result).toMatchObject({
      tenantId: TENANT,
      objectId: '00000000-0000-0000-0000-0000000000aa',
      scopes: ['access_as_user'],
      roles: [],
      kind: 'delegated',
      version: '2.0',
    });
    expect(result.claims.preferred_username).toBe('user@example.com');
  });

  it('carries the raw token as its assertion, never serialised, inspected or spread', async () => {
    const { validator } = setup();
    const token = signToken(goodClaims(), key);
    const signature = token.split('.')[2];
    const results = [await validator.validate(token), validator.validateSync(token)];
    for (const result of results) {
      expect(result?.assertion).toBe(token);
      expect(Object.keys(result ?? {})).not.toContain('assertion');
      expect(JSON.stringify(result)).not.toContain(signature);
      expect(inspect(result, { depth: null })).not.toContain(signature);
      expect({ ...result }).not.toHaveProperty('assertion');
    }
  });

  it('accepts an app-only token with roles and tells it apart', async () => {
    const { validator } = setup();
    const result = await validator.validate(signToken(appClaims(), key));
    expect(result.kind).toBe('app');
    expect(result.roles).toEqual(['Subscriptions.Read']);
    expect(result.scopes).toEqual([]);
  });

  it('treats a token with scp and no idtyp as delegated, roles only as app', async () => {
    const { validator } = setup();
    const delegated = await validator.validate(signToken(goodClaims({ idtyp: undefined }), key));
    expect(delegated.kind).toBe('delegated');
    const app = await validator.validate(signToken(appClaims({ idtyp: undefined }), key));
    expect(app.kind).toBe('app');
  });

  it('accepts a v1 token (api:// audience, sts.windows.net issuer) when v1 is enabled', async () => {
    const v1 = goodClaims({ aud: `api://${CLIENT_ID}`, iss: ISSUER_V1, ver: '1.0' });
    const { validator } = setup({ issuers: entraIssuers(AUTHORITY, { v1: true }) });
    const result = await validator.validate(signToken(v1, key));
    expect(result.version).toBe('1.0');
    await expectCode(signToken(v1, key), 'ERR_TOKEN_ISSUER'); // v1 not enabled by default
  });

  it('accepts a one-element aud array, refuses several audiences', async () => {
    const { validator } = setup();
    await expectCode(
      signToken(goodClaims({ aud: [CLIENT_ID, 'other'] }), key),
      'ERR_TOKEN_AUDIENCE',
    );
    await expect(
      validator.validate(signToken(goodClaims({ aud: [CLIENT_ID] }), key)),
    ).resolves.toBeTruthy();
  });

  it('accepts any tenant with allowedTenants "*" and a {tenantid} issuer', async () => {
    const claims = goodClaims({ tid: OTHER_TENANT, iss: `${AUTHORITY}/${OTHER_TENANT}/v2.0` });
    const { validator } = setup({ allowedTenants: '*' });
    expect((await validator.validate(signToken(claims, key))).tenantId).toBe(OTHER_TENANT);
  });

  it('accepts a fixed single-tenant issuer, deriving the allowed tenant from it', async () => {
    const { validator } = setup({ issuers: [ISSUER_V2], allowedTenants: undefined });
    await expect(validator.validate(signToken(goodClaims(), key))).resolves.toBeTruthy();
    const foreign = goodClaims({ tid: OTHER_TENANT, iss: `${AUTHORITY}/${OTHER_TENANT}/v2.0` });
    await expectCode(signToken(foreign, key), 'ERR_TOKEN_TENANT_NOT_ALLOWED', {
      issuers: [ISSUER_V2],
      allowedTenants: undefined,
    });
  });

  it('accepts B2C tokens without tid when requireTenantId is false', async () => {
    const issuer = b2cIssuer('contoso', TENANT);
    expect(issuer).toBe(`https://contoso.b2clogin.com/${TENANT}/v2.0/`);
    const claims = goodClaims({ iss: issuer, tid: undefined, ver: '1.0', idtyp: undefined });
    const options = { issuers: [issuer], allowedTenants: undefined, requireTenantId: false };
    const { validator } = setup(options);
    expect((await validator.validate(signToken(claims, key))).tenantId).toBeUndefined();
    await expectCode(signToken(claims, key), 'ERR_TOKEN_TENANT_MISSING', {
      ...options,
      requireTenantId: true,
    });
  });

  it('accepts CIAM tokens', async () => {
    const issuer = ciamIssuer(TENANT);
    expect(issuer).toBe(`https://${TENANT}.ciamlogin.com/${TENANT}/v2.0`);
    const { validator } = setup({ issuers: [issuer], allowedTenants: undefined });
    await expect(
      validator.validate(signToken(goodClaims({ iss: issuer }), key)),
    ).resolves.toBeTruthy();
  });

  it('accepts the ARM audience for the emulator ARM endpoint', async () => {
    const claims = goodClaims({ aud: 'https://management.azure.com/' });
    const { validator } = setup({
      audiences: ['https://management.azure.com/', 'https://management.core.windows.net/'],
    });
    await expect(validator.validate(signToken(claims, key))).resolves.toBeTruthy();
  });

  it('honours the clock tolerance on exp and nbf (default 300 s)', async () => {
    const { validator } = setup();
    await expect(
      validator.validate(signToken(goodClaims({ exp: NOW_S - 299 }), key)),
    ).resolves.toBeTruthy();
    await expect(
      validator.validate(signToken(goodClaims({ nbf: NOW_S + 299 }), key)),
    ).resolves.toBeTruthy();
    await expectCode(signToken(goodClaims({ exp: NOW_S - 1 }), key), 'ERR_TOKEN_EXPIRED', {
      clockToleranceSeconds: 0,
    });
  });

  it('validateSync answers from the cache and returns undefined before the first fetch', async () => {
    const { validator, source } = setup();
    const token = signToken(goodClaims(), key);
    expect(validator.validateSync(token)).toBeUndefined();
    expect(source.fetches).toBe(0);
    await validator.warmUp();
    expect(validator.validateSync(token)?.kind).toBe('delegated');
    expect(() => validator.validateSync(signToken(goodClaims({ aud: 'x' }), key))).toThrow(
      TokenValidationError,
    );
  });

  it('warmUp() with a {tenantid} JWKS URL loads every allow-listed tenant', async () => {
    const { validator, source } = setup({
      jwksUri: 'https://login.microsoftonline.com/{tenantid}/discovery/v2.0/keys',
      allowedTenants: [TENANT, OTHER_TENANT],
    });
    expect(await validator.warmUp()).toBe(true);
    expect(source.uris.sort()).toEqual(
      [TENANT, OTHER_TENANT]
        .map((t) => `https://login.microsoftonline.com/${t}/discovery/v2.0/keys`)
        .sort(),
    );
    expect(validator.stats()).toMatchObject({ jwksFetches: 2, cachedKeys: 4 });
  });

  it('ERR_TOKEN_KEY_TYPE also for a JWK whose alg is not RS256', async () => {
    const source = {
      fetchKeys: async () => [{ kid: key.kid, key: key.publicKey, alg: 'PS256' }],
    };
    await expectCode(signToken(goodClaims(), key), 'ERR_TOKEN_KEY_TYPE', { keySource: source });
  });

  it('fills {tenantid} in the JWKS URL with the allow-listed tid', async () => {
    const { validator, source } = setup({
      jwksUri: 'https://login.microsoftonline.com/{tenantid}/discovery/v2.0/keys',
    });
    await validator.validate(signToken(goodClaims(), key));
    expect(source.uris).toEqual([
      `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    ]);
  });
});

describe('createTokenValidator: one rule broken per token', () => {
  it('ERR_TOKEN_TOO_LARGE: a token over maxTokenBytes', async () => {
    await expectCode(
      signToken(goodClaims({ pad: 'x'.repeat(17 * 1024) }), key),
      'ERR_TOKEN_TOO_LARGE',
    );
    await expectCode(signToken(goodClaims(), key), 'ERR_TOKEN_TOO_LARGE', { maxTokenBytes: 200 });
  });

  it('ERR_TOKEN_ENCRYPTED: a JWE (5 segments) or an enc header', async () => {
    const jwe = `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'key-1' })}.aaaa.bbbb.cccc.dddd`;
    await expectCode(jwe, 'ERR_TOKEN_ENCRYPTED');
    await expectCode(signToken(goodClaims(), key, { enc: 'A256GCM' }), 'ERR_TOKEN_ENCRYPTED');
  });

  it('ERR_TOKEN_MALFORMED: not three base64url JSON objects', async () => {
    const good = signToken(goodClaims(), key);
    const [h, p, s] = good.split('.');
    await expectCode(`${h}.${p}`, 'ERR_TOKEN_MALFORMED');
    await expectCode(`${h}.${p}.${s}.x`, 'ERR_TOKEN_MALFORMED');
    await expectCode(`${b64url('not json')}.${p}.${s}`, 'ERR_TOKEN_MALFORMED');
    await expectCode(`${h}.${b64url([1, 2])}.${s}`, 'ERR_TOKEN_MALFORMED');
    await expectCode(`${h}.${p}!.${s}`, 'ERR_TOKEN_MALFORMED');
    await expectCode('', 'ERR_TOKEN_MALFORMED');
  });

  it('ERR_TOKEN_ALG_NONE: an unsigned token', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT', kid: 'key-1' })}.${b64url(goodClaims())}.`;
    await expectCode(unsigned, 'ERR_TOKEN_ALG_NONE');
    await expectCode(
      unsigned.replace(
        b64url({ alg: 'none', typ: 'JWT', kid: 'key-1' }),
        b64url({ alg: 'NoNe', kid: 'key-1' }),
      ),
      'ERR_TOKEN_ALG_NONE',
    );
  });

  it('ERR_TOKEN_ALG_HMAC: HS256, including HS256 signed with the RSA public key', async () => {
    const pem = key.publicKey.export({ type: 'spki', format: 'pem' });
    await expectCode(signHs256(goodClaims(), pem, 'key-1'), 'ERR_TOKEN_ALG_HMAC');
    await expectCode(signHs256(goodClaims(), 'secret', 'key-1'), 'ERR_TOKEN_ALG_HMAC');
  });

  it('ERR_TOKEN_ALG_UNSUPPORTED: any other algorithm or none stated', async () => {
    for (const alg of ['RS512', 'PS256', 'ES256', 'EdDSA', 'rs256']) {
      await expectCode(signToken(goodClaims(), key, { alg }), 'ERR_TOKEN_ALG_UNSUPPORTED');
    }
    await expectCode(signToken(goodClaims(), key, { alg: undefined }), 'ERR_TOKEN_ALG_UNSUPPORTED');
  });

  it('ERR_TOKEN_TYPE: a typ other than JWT', async () => {
    await expectCode(signToken(goodClaims(), key, { typ: 'JWE' }), 'ERR_TOKEN_TYPE');
    await expectCode(signToken(goodClaims(), key, { typ: 7 }), 'ERR_TOKEN_TYPE');
    const { validator } = setup();
    await expect(
      validator.validate(signToken(goodClaims(), key, { typ: 'at+jwt' })),
    ).resolves.toBeTruthy();
  });

  it('ERR_TOKEN_CRIT_UNSUPPORTED: a crit header', async () => {
    await expectCode(signToken(goodClaims(), key, { crit: ['exp'] }), 'ERR_TOKEN_CRIT_UNSUPPORTED');
  });

  it('ERR_TOKEN_KID_MISSING: no kid, or not a string', async () => {
    await expectCode(signToken(goodClaims(), key, { kid: undefined }), 'ERR_TOKEN_KID_MISSING');
    await expectCode(signToken(goodClaims(), key, { kid: 42 }), 'ERR_TOKEN_KID_MISSING');
  });

  it('ERR_TOKEN_KID_UNKNOWN: a kid still unknown after one refetch', async () => {
    const { validator, source, clock } = setup();
    await validator.warmUp();
    clock.advance(5_000); // the set is old enough to be refetched for an unknown kid
    const err = await rejection(validator.validate(signToken(goodClaims(), key, { kid: 'nope' })));
    expect(err.code).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(source.fetches).toBe(2);
  });

  it('ERR_TOKEN_KEY_TYPE: an RS256 token whose kid names an EC key', async () => {
    await expectCode(signToken(goodClaims(), key, { kid: ecKey.kid }), 'ERR_TOKEN_KEY_TYPE');
  });

  it('ERR_TOKEN_SIGNATURE: signed by another key, tampered, or non-canonical encoding', async () => {
    await expectCode(signToken(goodClaims(), otherKey), 'ERR_TOKEN_SIGNATURE');
    const [h, , s] = signToken(goodClaims(), key).split('.');
    await expectCode(`${h}.${b64url(goodClaims({ scp: 'admin' }))}.${s}`, 'ERR_TOKEN_SIGNATURE');
    const good = signToken(goodClaims(), key);
    // 256 bytes → 342 chars: the last char carries 2 data bits; flipping an unused bit keeps the bytes.
    const last = good.slice(-1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    expect(Buffer.from(good.split('.')[2] ?? '', 'base64url')).toEqual(
      Buffer.from((good.slice(0, -1) + twin).split('.')[2] ?? '', 'base64url'),
    );
    await expectCode(good.slice(0, -1) + twin, 'ERR_TOKEN_SIGNATURE');
    await expectCode(`${h}.${b64url(goodClaims())}.`, 'ERR_TOKEN_SIGNATURE');
  });

  it('ERR_TOKEN_EXPIRED: exp past the tolerance', async () => {
    await expectCode(signToken(goodClaims({ exp: NOW_S - 301 }), key), 'ERR_TOKEN_EXPIRED');
  });

  it('ERR_TOKEN_NOT_YET_VALID: nbf beyond the tolerance', async () => {
    await expectCode(signToken(goodClaims({ nbf: NOW_S + 301 }), key), 'ERR_TOKEN_NOT_YET_VALID');
  });

  it('ERR_TOKEN_CLAIM_INVALID: missing exp, wrong claim types, app token with scp, bad ver', async () => {
    await expectCode(signToken(goodClaims({ exp: undefined }), key), 'ERR_TOKEN_CLAIM_INVALID');
    await expectCode(
      signToken(goodClaims({ exp: String(NOW_S + 60) }), key),
      'ERR_TOKEN_CLAIM_INVALID',
    );
    await expectCode(signToken(goodClaims({ nbf: 'soon' }), key), 'ERR_TOKEN_CLAIM_INVALID');
    await expectCode(
      signToken(goodClaims({ nbf: NOW_S + 10, exp: NOW_S + 10 }), key),
      'ERR_TOKEN_CLAIM_INVALID',
    );
    await expectCode(
      signToken(goodClaims({ scp: ['access_as_user'] }), key),
      'ERR_TOKEN_CLAIM_INVALID',
    );
    await expectCode(
      signToken(appClaims({ roles: 'Subscriptions.Read' }), key),
      'ERR_TOKEN_CLAIM_INVALID',
    );
    await expectCode(signToken(goodClaims({ idtyp: 'app' }), key), 'ERR_TOKEN_CLAIM_INVALID');
    await expectCode(signToken(goodClaims({ ver: '3.0' }), key), 'ERR_TOKEN_CLAIM_INVALID');
    await expectCode(signToken(goodClaims({ tid: 'a/../b' }), key), 'ERR_TOKEN_CLAIM_INVALID');
  });

  it('ERR_TOKEN_AUDIENCE: a token for another audience', async () => {
    await expectCode(
      signToken(goodClaims({ aud: 'https://graph.microsoft.com' }), key),
      'ERR_TOKEN_AUDIENCE',
    );
    await expectCode(signToken(goodClaims({ aud: undefined }), key), 'ERR_TOKEN_AUDIENCE');
  });

  it('ERR_TOKEN_ISSUER: another issuer host, or no issuer', async () => {
    const evil = goodClaims({ iss: `https://evil.example.com/${TENANT}/v2.0` });
    await expectCode(signToken(evil, key), 'ERR_TOKEN_ISSUER');
    await expectCode(signToken(goodClaims({ iss: undefined }), key), 'ERR_TOKEN_ISSUER');
  });

  it('ERR_TOKEN_TENANT_MISSING: no tid when required', async () => {
    await expectCode(signToken(goodClaims({ tid: undefined }), key), 'ERR_TOKEN_TENANT_MISSING');
  });

  it('ERR_TOKEN_TENANT_MISMATCH: tid differs from the tenant in iss', async () => {
    const claims = goodClaims({ iss: `${AUTHORITY}/${OTHER_TENANT}/v2.0` });
    await expectCode(signToken(claims, key), 'ERR_TOKEN_TENANT_MISMATCH', { allowedTenants: '*' });
  });

  it('ERR_TOKEN_TENANT_NOT_ALLOWED: a foreign tenant, refused before any key fetch', async () => {
    const claims = goodClaims({ tid: OTHER_TENANT, iss: `${AUTHORITY}/${OTHER_TENANT}/v2.0` });
    const { validator, source } = setup();
    const err = await rejection(validator.validate(signToken(claims, key)));
    expect(err.code).toBe('ERR_TOKEN_TENANT_NOT_ALLOWED');
    expect(source.fetches).toBe(0);
  });

  it('ERR_TOKEN_NO_PERMISSIONS: neither scp nor roles', async () => {
    await expectCode(signToken(goodClaims({ scp: undefined }), key), 'ERR_TOKEN_NO_PERMISSIONS');
    await expectCode(
      signToken(goodClaims({ scp: '  ', roles: [] }), key),
      'ERR_TOKEN_NO_PERMISSIONS',
    );
  });

  it('requirePermissions: false accepts an app token with neither scp nor roles (RBAC resources)', async () => {
    const claims = goodClaims({ scp: undefined, idtyp: 'app' });
    const { validator } = setup({ requirePermissions: false });
    const token = await validator.validate(signToken(claims, key));
    expect(token).toMatchObject({ kind: 'app', scopes: [], roles: [] });
  });

  it('never throws anything but TokenValidationError for non-string input', async () => {
    const { validator } = setup();
    for (const value of [undefined, null, 42, {}, ['a.b.c']]) {
      const err = await rejection(validator.validate(value as unknown as string));
      expect(err.code).toBe('ERR_TOKEN_MALFORMED');
    }
  });
});

describe('key rollover under an unknown-kid flood (default options)', () => {
  it('accepts a key published during a 50/s unknown-kid stream within 5 s, fetching at most once per 5 s', async () => {
    const { validator, source, clock } = setup();
    await validator.warmUp();
    const rolled = makeRsaKey('rolled-in');
    const legit = signToken(goodClaims(), rolled);
    // Attacker tokens: random kids, any canonical signature (the kid is looked up first).
    const signature = legit.split('.')[2];
    const attacker = (i: number) =>
      `${b64url({ alg: 'RS256', typ: 'JWT', kid: `attacker-${i}` })}.${b64url(goodClaims())}.${signature}`;
    let acceptedAt: number | undefined;
    const publishedAt = 10_000;
    for (let ms = 0; ms < 60_000; ms += 20) {
      expect((await rejection(validator.validate(attacker(ms)))).code).toBe(
        'ERR_TOKEN_KID_UNKNOWN',
      );
      // Published right after the flood's fetch at 10 s: the worst moment.
      if (ms === publishedAt) source.keys = [key, ecKey, rolled];
      if (ms >= publishedAt && acceptedAt === undefined && ms % 100 === 0) {
        acceptedAt = await validator.validate(legit).then(
          () => ms,
          () => undefined,
        );
      }
      clock.advance(20);
    }
    expect(acceptedAt).toBeDefined();
    expect((acceptedAt as number) - publishedAt).toBeLessThanOrEqual(5_000);
    expect(source.fetches - 1).toBeLessThanOrEqual(1 + 60_000 / 5_000);
  });
});

describe('remembered tokens (verifiedTokenCacheSize)', () => {
  it('a token sent again is not decoded or verified again, and answers the same', async () => {
    const { validator } = setup();
    const token = signToken(goodClaims(), key);
    const first = await validator.validate(token);
    const again = await validator.validate(token);
    const sync = validator.validateSync(token);
    expect(validator.stats()).toMatchObject({ verifiedTokens: 1, verifiedTokenHits: 2 });
    expect(again).toEqual(first);
    expect(sync).toEqual(first);
    expect(again.assertion).toBe(token);
    // Shared by later requests, so nobody can alter what the next one sees.
    expect(Object.isFrozen(again.claims)).toBe(true);
  });

  it('a remembered token still expires (and is forgotten)', async () => {
    const { validator, clock } = setup();
    const token = signToken({ ...goodClaims(), exp: NOW_S + 60 }, key);
    await validator.validate(token);
    clock.advance((60 + 300) * 1000);
    expect((await rejection(validator.validate(token))).code).toBe('ERR_TOKEN_EXPIRED');
    expect(validator.stats().verifiedTokens).toBe(0);
  });

  it('a remembered token is verified again once its key left the key set', async () => {
    const { validator, source } = setup();
    const token = signToken(goodClaims(), key);
    await validator.validate(token);
    // The issuer replaced the key behind kid key-1; the next fetch sees only the new one.
    source.keys = [otherKey, ecKey];
    await validator.warmUp();
    expect((await rejection(validator.validate(token))).code).toBe('ERR_TOKEN_SIGNATURE');
    expect(validator.stats().verifiedTokenHits).toBe(0);
  });

  it('remembers the exact token: the same header and payload with another signature is refused', async () => {
    const { validator } = setup();
    const token = signToken(goodClaims(), key);
    await validator.validate(token);
    const [h, p] = token.split('.');
    const forged = `${h}.${p}.${signToken(goodClaims(), otherKey).split('.')[2]}`;
    expect((await rejection(validator.validate(forged))).code).toBe('ERR_TOKEN_SIGNATURE');
  });

  it('is bounded: the oldest token is verified again when the memory is full', async () => {
    const { validator } = setup({ verifiedTokenCacheSize: 2 });
    const tokens = [1, 2, 3].map((i) => signToken({ ...goodClaims(), uti: `t${i}` }, key));
    for (const token of tokens) await validator.validate(token);
    expect(validator.stats().verifiedTokens).toBe(2);
    await validator.validate(tokens[0]);
    expect(validator.stats().verifiedTokenHits).toBe(0);
    await validator.validate(tokens[2]);
    expect(validator.stats().verifiedTokenHits).toBe(1);
  });

  it('0 remembers nothing', async () => {
    const { validator } = setup({ verifiedTokenCacheSize: 0 });
    const token = signToken(goodClaims(), key);
    await validator.validate(token);
    await validator.validate(token);
    expect(validator.stats()).toMatchObject({ verifiedTokens: 0, verifiedTokenHits: 0 });
  });

  it('a refused token is not remembered', async () => {
    const { validator } = setup();
    const token = signToken({ ...goodClaims(), aud: 'someone-else' }, key);
    await rejection(validator.validate(token));
    await rejection(validator.validate(token));
    expect(validator.stats()).toMatchObject({ verifiedTokens: 0, verifiedTokenHits: 0 });
  });
});

describe('createTokenValidator: options are checked at construction', () => {
  const base: TokenValidatorOptions = {
    jwksUri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    audiences: [CLIENT_ID],
    issuers: [ISSUER_V2],
  };
  it.each<[string, Partial<TokenValidatorOptions>]>([
    ['{tenantid} issuer without allowedTenants', { issuers: entraIssuers(AUTHORITY) }],
    [
      "'*' with a {tenantid} JWKS URL",
      { jwksUri: 'https://h/{tenantid}/keys', allowedTenants: '*' },
    ],
    ['plain http to a remote host', { jwksUri: 'http://login.example.com/keys' }],
    ['a relative JWKS URL', { jwksUri: '/keys' }],
    ['no audiences', { audiences: [] }],
    ['no issuers', { issuers: [] }],
    ['a negative skew', { clockToleranceSeconds: -1 }],
    ['stale bound below the cache age', { cacheMaxAgeMs: 10_000, staleKeyMaxAgeMs: 5_000 }],
    ['a negative refetch interval', { refetchIntervalMs: -1 }],
    ['an infinite refetch interval', { refetchIntervalMs: Infinity }],
    ['a negative failed-fetch back-off', { failedFetchBackoffMs: -1 }],
    ['a failed-fetch back-off that is not a number', { failedFetchBackoffMs: Number.NaN }],
    ['a malformed tenant', { allowedTenants: ['../x'] }],
    ['a negative verified-token cache size', { verifiedTokenCacheSize: -1 }],
    ['a fractional verified-token cache size', { verifiedTokenCacheSize: 1.5 }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => createTokenValidator({ ...base, ...overrides })).toThrow(
      TokenValidatorConfigError,
    );
  });

  it('accepts http on loopback (tests, local emulator)', () => {
    expect(() =>
      createTokenValidator({ ...base, jwksUri: 'http://127.0.0.1:1/keys' }),
    ).not.toThrow();
  });

  it('the parsed key is a KeyObject, not a PEM', () => {
    expect(createPublicKey(key.publicKey.export({ type: 'spki', format: 'pem' })).type).toBe(
      'public',
    );
  });
});

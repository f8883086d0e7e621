import { TokenValidationError } from './errors';
import { entraIssuers } from './issuers';
import { startJwksServer, TEST_CA_PEM, type JwksServer } from './test/jwks-server';
import {
  AUTHORITY,
  CLIENT_ID,
  FakeClock,
  goodClaims,
  makeEcKey,
  makeRsaKey,
  signToken,
  TENANT,
} from './test/tokens';
import type { TokenValidatorOptions } from './types';
import { createTokenValidator } from './validator';

/** Against a real HTTPS JWKS server on 127.0.0.1 through jwks-rsa, trusting the test CA via `ca`. */
const keyA = makeRsaKey('kid-A');
const keyB = makeRsaKey('kid-B');
const weakKey = makeRsaKey('kid-weak', 1024);
let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer([keyA], { https: true });
});
afterAll(() => server.close());
beforeEach(() => {
  server.keys = [keyA];
  server.failWith = undefined;
});

function validatorFor(overrides: Partial<TokenValidatorOptions> = {}) {
  const clock = new FakeClock();
  const validator = createTokenValidator({
    jwksUri: server.jwksUri,
    audiences: [CLIENT_ID],
    issuers: entraIssuers(AUTHORITY),
    allowedTenants: [TENANT],
    ca: TEST_CA_PEM,
    now: clock.now,
    ...overrides,
  });
  return { validator, clock };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(TokenValidationError);
    return (err as TokenValidationError).code;
  }
}

describe('validator over a real JWKS endpoint', () => {
  it('fetches over HTTPS trusting the configured CA, and only with it', async () => {
    const { validator } = validatorFor();
    const before = server.requests;
    expect(await validator.warmUp()).toBe(true);
    expect(validator.stats()).toMatchObject({ jwksFetches: 1, cachedKeys: 1 });
    expect(await codeOf(validator.validate(signToken(goodClaims(), keyA)))).toBe('accepted');
    expect(server.requests - before).toBe(1);

    const { validator: untrusting } = validatorFor({ ca: undefined });
    expect(await untrusting.warmUp()).toBe(false);
    expect(await codeOf(untrusting.validate(signToken(goodClaims(), keyA)))).toBe(
      'ERR_JWKS_UNAVAILABLE',
    );
  });

  it('accepts a rotated key after exactly one refetch once the set is 5 s old', async () => {
    const { validator, clock } = validatorFor();
    await validator.warmUp();
    const before = server.requests;
    server.keys = [keyA, keyB];
    clock.advance(4_999);
    expect(await codeOf(validator.validate(signToken(goodClaims(), keyB)))).toBe(
      'ERR_TOKEN_KID_UNKNOWN',
    );
    expect(server.requests - before).toBe(0);
    clock.advance(1);
    expect(await codeOf(validator.validate(signToken(goodClaims(), keyB)))).toBe('accepted');
    expect(server.requests - before).toBe(1);
    expect(await codeOf(validator.validate(signToken(goodClaims(), keyB)))).toBe('accepted');
    expect(server.requests - before).toBe(1);
  });

  it('200 concurrent and 200 sequential unknown kids cost one request per interval', async () => {
    const { validator, clock } = validatorFor();
    await validator.warmUp();
    clock.advance(5_000);
    const before = server.requests;
    const forged = (i: number) => signToken(goodClaims(), keyA, { kid: `forged-${i}` });
    const concurrent = await Promise.all(
      Array.from({ length: 200 }, (_, i) => codeOf(validator.validate(forged(i)))),
    );
    expect(new Set(concurrent)).toEqual(new Set(['ERR_TOKEN_KID_UNKNOWN']));
    for (let i = 0; i < 200; i++) {
      expect(await codeOf(validator.validate(forged(1000 + i)))).toBe('ERR_TOKEN_KID_UNKNOWN');
    }
    expect(server.requests - before).toBe(1);
    clock.advance(5_000);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => codeOf(validator.validate(forged(5000 + i)))),
    );
    expect(server.requests - before).toBe(2);
  });

  it('keeps validating with known keys while the endpoint answers 500', async () => {
    const { validator, clock } = validatorFor();
    await validator.warmUp();
    server.failWith = 500;
    clock.advance(600_001); // old enough for a background refresh, which fails
    expect(await codeOf(validator.validate(signToken(goodClaims({ exp: 1e10 }), keyA)))).toBe(
      'accepted',
    );
    expect(await codeOf(validator.validate(signToken(goodClaims({ exp: 1e10 }), keyB)))).toBe(
      'ERR_TOKEN_KID_UNKNOWN',
    );
  });

  it('respects the stale bound once the endpoint is down', async () => {
    const { validator, clock } = validatorFor({ staleKeyMaxAgeMs: 3_600_000 });
    await validator.warmUp();
    server.failWith = 503;
    const token = signToken(goodClaims({ exp: 1e10 }), keyA);
    clock.advance(3_599_000);
    expect(await codeOf(validator.validate(token))).toBe('accepted');
    clock.advance(2_000);
    expect(await codeOf(validator.validate(token))).toBe('ERR_JWKS_UNAVAILABLE');
  });

  it('keeps validating with known keys when the connection is refused', async () => {
    const own = await startJwksServer([keyA]);
    const clock = new FakeClock();
    const validator = createTokenValidator({
      jwksUri: own.jwksUri,
      audiences: [CLIENT_ID],
      issuers: entraIssuers(AUTHORITY),
      allowedTenants: [TENANT],
      now: clock.now,
    });
    expect(await validator.warmUp()).toBe(true);
    await own.close();
    clock.advance(600_001);
    const token = signToken(goodClaims({ exp: 1e10 }), keyA);
    expect(await codeOf(validator.validate(token))).toBe('accepted');
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the refused refresh settle
    expect(await codeOf(validator.validate(token))).toBe('accepted');
    expect(validator.stats().jwksFetches).toBe(2);
  });

  it('ignores RSA keys under 2048 bits and rejects an EC key named by an RS256 token', async () => {
    const ec = makeEcKey('kid-ec');
    server.keys = [keyA, weakKey, ec];
    const { validator } = validatorFor();
    await validator.warmUp();
    expect(validator.stats().cachedKeys).toBe(2);
    expect(await codeOf(validator.validate(signToken(goodClaims(), weakKey)))).toBe(
      'ERR_TOKEN_KID_UNKNOWN',
    );
    expect(await codeOf(validator.validate(signToken(goodClaims(), keyA, { kid: 'kid-ec' })))).toBe(
      'ERR_TOKEN_KEY_TYPE',
    );
  });
});

import { TokenValidationError } from '../errors';
import { FakeClock, FakeKeySource, makeRsaKey } from '../test/tokens';
import { KeyResolver } from './key-resolver';

const keyA = makeRsaKey('A');
const keyB = makeRsaKey('B');

function setup() {
  const source = new FakeKeySource([keyA]);
  const clock = new FakeClock();
  const resolver = new KeyResolver({
    source,
    jwksUri: 'https://jwks.test/keys',
    now: clock.now,
    refetchIntervalMs: 30_000,
    cacheMaxAgeMs: 600_000,
    staleKeyMaxAgeMs: 3_600_000,
  });
  return { source, clock, resolver };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TokenValidationError);
    return (err as TokenValidationError).code;
  }
  return 'resolved';
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyResolver', () => {
  it('loads once for concurrent first requests and then answers from the cache', async () => {
    const { source, resolver } = setup();
    const keys = await Promise.all(Array.from({ length: 50 }, () => resolver.resolve('A')));
    expect(keys.every((entry) => entry.key === keyA.publicKey)).toBe(true);
    expect(source.fetches).toBe(1);
    expect(resolver.peek('A')?.kid).toBe('A');
    await resolver.resolve('A');
    expect(source.fetches).toBe(1);
  });

  it('accepts a rotated-in kid after exactly one refetch', async () => {
    const { source, resolver } = setup();
    await resolver.warmUp();
    source.keys = [keyA, keyB];
    expect((await resolver.resolve('B')).key).toBe(keyB.publicKey);
    expect(source.fetches).toBe(2);
  });

  it('a flood of unknown kids costs at most one fetch per interval', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    const concurrent = await Promise.all(
      Array.from({ length: 200 }, (_, i) => codeOf(resolver.resolve(`random-${i}`))),
    );
    expect(new Set(concurrent)).toEqual(new Set(['ERR_TOKEN_KID_UNKNOWN']));
    expect(source.fetches).toBe(2);
    for (let i = 0; i < 200; i++) {
      expect(await codeOf(resolver.resolve(`sequential-${i}`))).toBe('ERR_TOKEN_KID_UNKNOWN');
      clock.advance(100); // 20 s in all: still inside the 30 s interval
    }
    expect(source.fetches).toBe(2);
    clock.advance(10_001);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => codeOf(resolver.resolve(`again-${i}`))),
    );
    expect(source.fetches).toBe(3);
  });

  it('keeps known keys working during an outage, up to the stale bound', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    source.fail = true;
    clock.advance(600_001); // the set is old: a background refresh is attempted and fails
    expect(resolver.peek('A')?.kid).toBe('A');
    await tick();
    expect(source.fetches).toBe(2);
    expect(await codeOf(resolver.resolve('A'))).toBe('resolved');
    expect(source.fetches).toBe(2); // failed refresh backs off for the refetch interval
    expect(await codeOf(resolver.resolve('unknown'))).toBe('ERR_TOKEN_KID_UNKNOWN');

    clock.advance(3_600_000); // past the stale bound: known keys are no longer trusted
    expect(resolver.peek('A')).toBeUndefined();
    expect(await codeOf(resolver.resolve('A'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(resolver.cachedKeys).toBe(0);

    source.fail = false;
    expect(await codeOf(resolver.resolve('A'))).toBe('ERR_JWKS_UNAVAILABLE'); // still backing off
    clock.advance(30_000);
    expect(await codeOf(resolver.resolve('A'))).toBe('resolved');
  });

  it('reports ERR_JWKS_UNAVAILABLE with status 503 when it never loaded', async () => {
    const { source, resolver } = setup();
    source.fail = true;
    try {
      await resolver.resolve('A');
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as TokenValidationError).code).toBe('ERR_JWKS_UNAVAILABLE');
      expect((err as TokenValidationError).status).toBe(503);
    }
    expect(await resolver.warmUp()).toBe(false);
  });

  it('drops keys that left the JWKS at the next refresh', async () => {
    const { source, clock, resolver } = setup();
    source.keys = [keyA, keyB];
    await resolver.warmUp();
    source.keys = [keyB];
    clock.advance(600_001);
    resolver.peek('B'); // triggers the background refresh
    await tick();
    await tick();
    expect(resolver.peek('A')).toBeUndefined();
    expect(resolver.peek('B')?.kid).toBe('B');
  });
});

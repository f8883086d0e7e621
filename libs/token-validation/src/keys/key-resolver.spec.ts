import { TokenValidationError } from '../errors';
import { FakeClock, FakeKeySource, makeRsaKey } from '../test/tokens';
import { KeyResolver, type KeyResolverOptions } from './key-resolver';

const keyA = makeRsaKey('A');
const keyB = makeRsaKey('B');
const REFETCH_MS = 5_000;
const BACKOFF_MS = 30_000;

function setup(options: Partial<KeyResolverOptions> = {}) {
  const source = new FakeKeySource([keyA]);
  const clock = new FakeClock();
  const resolver = new KeyResolver({
    source,
    jwksUri: 'https://jwks.test/keys',
    now: clock.now,
    refetchIntervalMs: REFETCH_MS,
    failedFetchBackoffMs: BACKOFF_MS,
    cacheMaxAgeMs: 600_000,
    staleKeyMaxAgeMs: 3_600_000,
    ...options,
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

/**
 * `perSecond` tokens with random kids per second for `seconds`, evenly spaced on the fake clock;
 * `each(ms)` runs after every token with the time since the stream started.
 */
async function unknownKidStream(
  { clock, resolver }: ReturnType<typeof setup>,
  perSecond: number,
  seconds: number,
  each: (elapsedMs: number) => Promise<void> | void = () => undefined,
): Promise<void> {
  const step = 1000 / perSecond;
  for (let i = 0; i < perSecond * seconds; i++) {
    expect(await codeOf(resolver.resolve(`attacker-${i}`))).toBe('ERR_TOKEN_KID_UNKNOWN');
    await each(i * step);
    clock.advance(step);
  }
}

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

  it('accepts a rotated-in kid with one refetch once the set is refetchIntervalMs old', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    source.keys = [keyA, keyB];
    clock.advance(REFETCH_MS - 1);
    expect(await codeOf(resolver.resolve('B'))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(source.fetches).toBe(1);
    clock.advance(1);
    expect((await resolver.resolve('B')).key).toBe(keyB.publicKey);
    expect(source.fetches).toBe(2);
  });

  it('counts the interval from the last fetch of any kind (a warm-up too)', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    clock.advance(REFETCH_MS);
    await resolver.warmUp(); // e.g. a readiness probe: it fetches, and restarts the interval
    expect(source.fetches).toBe(2);
    clock.advance(REFETCH_MS - 1);
    expect(await codeOf(resolver.resolve('unknown'))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(source.fetches).toBe(2);
  });

  it('a concurrent flood of unknown kids shares one fetch', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    clock.advance(REFETCH_MS);
    const codes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => codeOf(resolver.resolve(`random-${i}`))),
    );
    expect(new Set(codes)).toEqual(new Set(['ERR_TOKEN_KID_UNKNOWN']));
    expect(source.fetches).toBe(2);
  });

  // (a) The fetch bound: at most one per refetchIntervalMs, whatever the rate of the flood.
  it.each([
    [10, 60],
    [200, 30],
    [1000, 10],
  ])(
    'a stream of %i unknown kids per second for %i s costs at most one fetch per interval',
    async (perSecond, seconds) => {
      const ctx = setup();
      await ctx.resolver.warmUp();
      await unknownKidStream(ctx, perSecond, seconds);
      // The README's bound for a window of T ms: 1 + floor(T / refetchIntervalMs).
      const bound = 1 + Math.floor((seconds * 1000) / REFETCH_MS);
      expect(ctx.source.fetches - 1).toBeLessThanOrEqual(bound);
      // …and the stream does refresh the set at that pace (unknown kids are not simply refused):
      // the warm-up opened the window, so fetches came at 5 s, 10 s, … before its end.
      expect(ctx.source.fetches - 1).toBe(Math.ceil((seconds * 1000) / REFETCH_MS) - 1);
    },
  );

  // (b) The delay bound: a key published during the flood is accepted within refetchIntervalMs.
  it.each([
    ['just after a fetch (the worst case)', 0],
    ['midway between fetches', REFETCH_MS / 2],
  ])(
    'a key published %s during an unknown-kid stream is accepted within refetchIntervalMs',
    async (_name, offsetMs) => {
      const ctx = setup();
      const { source, resolver } = ctx;
      await resolver.warmUp();
      let publishedAt: number | undefined;
      let acceptedAt: number | undefined;
      let fetchesSeen = source.fetches;
      await unknownKidStream(ctx, 100, 30, async (elapsed) => {
        const fetched = source.fetches !== fetchesSeen;
        fetchesSeen = source.fetches;
        // Publish once the stream has run for 10 s, `offsetMs` after one of its fetches.
        if (publishedAt === undefined && elapsed >= 10_000 && fetched) {
          publishedAt = elapsed + offsetMs;
        }
        if (publishedAt !== undefined && elapsed >= publishedAt && source.keys.length === 1) {
          source.keys = [keyA, keyB];
        }
        // A legitimate client tries its new-key token every 100 ms.
        if (publishedAt !== undefined && acceptedAt === undefined && elapsed % 100 === 0) {
          if ((await codeOf(resolver.resolve('B'))) === 'resolved') acceptedAt = elapsed;
        }
      });
      expect(publishedAt).toBeDefined();
      expect(acceptedAt).toBeDefined();
      expect((acceptedAt as number) - (publishedAt as number)).toBeLessThanOrEqual(REFETCH_MS);
    },
  );

  // (c) Cold start, outage and stale bound, warm-up.
  it('keeps known keys working during an outage, up to the stale bound', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    source.fail = true;
    clock.advance(600_001); // the set is old: a background refresh is attempted and fails
    expect(resolver.peek('A')?.kid).toBe('A');
    await tick();
    expect(source.fetches).toBe(2);
    expect(await codeOf(resolver.resolve('A'))).toBe('resolved');
    expect(source.fetches).toBe(2); // failed refresh backs off for failedFetchBackoffMs
    expect(await codeOf(resolver.resolve('unknown'))).toBe('ERR_TOKEN_KID_UNKNOWN');
    clock.advance(REFETCH_MS); // past the refetch interval, still inside the back-off
    expect(await codeOf(resolver.resolve('unknown'))).toBe('ERR_TOKEN_KID_UNKNOWN');
    expect(source.fetches).toBe(2);

    clock.advance(3_600_000); // past the stale bound: known keys are no longer trusted
    expect(resolver.peek('A')).toBeUndefined();
    expect(await codeOf(resolver.resolve('A'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(resolver.cachedKeys).toBe(0);

    source.fail = false;
    expect(await codeOf(resolver.resolve('A'))).toBe('ERR_JWKS_UNAVAILABLE'); // still backing off
    clock.advance(BACKOFF_MS);
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

  it('warmUp() fetches whatever the intervals say, and reports whether keys are loaded', async () => {
    const { source, resolver } = setup();
    source.fail = true;
    expect(await resolver.warmUp()).toBe(false);
    expect(await resolver.warmUp()).toBe(false); // inside the back-off: fetches anyway
    source.fail = false;
    expect(await resolver.warmUp()).toBe(true);
    expect(await resolver.warmUp()).toBe(true); // inside the refetch interval: fetches anyway
    expect(source.fetches).toBe(4);
  });

  it('ready() answers from the cache: a flood of probes fetches nothing', async () => {
    const { source, resolver } = setup();
    expect(await resolver.ready()).toBe(true); // cold: one fetch
    const answers = await Promise.all(Array.from({ length: 1000 }, () => resolver.ready()));
    expect(answers.every(Boolean)).toBe(true);
    expect(source.fetches).toBe(1);
  });

  it('ready() without keys fetches at most once per refetch interval, and sees recovery', async () => {
    const { source, clock, resolver } = setup();
    source.fail = true;
    for (let i = 0; i < 100; i++) expect(await resolver.ready()).toBe(false);
    expect(source.fetches).toBe(1);
    source.fail = false;
    clock.advance(REFETCH_MS - 1);
    expect(await resolver.ready()).toBe(false);
    expect(source.fetches).toBe(1);
    clock.advance(1); // inside the failure back-off, but probes may look again
    expect(await resolver.ready()).toBe(true);
    expect(source.fetches).toBe(2);
  });

  it('ready() refreshes an old set in the background, once', async () => {
    const { source, clock, resolver } = setup();
    await resolver.warmUp();
    clock.advance(600_001);
    const answers = await Promise.all(Array.from({ length: 50 }, () => resolver.ready()));
    expect(answers.every(Boolean)).toBe(true);
    await tick();
    expect(source.fetches).toBe(2);
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

  it('refetchIntervalMs 0 refetches on every unknown kid, one fetch at a time', async () => {
    const { source, resolver } = setup({ refetchIntervalMs: 0 });
    await resolver.warmUp();
    await Promise.all([resolver.resolve('x').catch(() => 0), resolver.resolve('y').catch(() => 0)]);
    expect(source.fetches).toBe(2);
    source.keys = [keyA, keyB];
    expect((await resolver.resolve('B')).kid).toBe('B');
    expect(source.fetches).toBe(3);
  });
});

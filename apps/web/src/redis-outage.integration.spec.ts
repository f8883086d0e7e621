import {
  redisServerAvailable,
  requireRedisInCi,
  startLocalRedis,
  type LocalRedis,
} from '@obo/testing';
import { createClient } from 'redis';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  finishSignIn,
  sessionCookieOf,
  startSignIn,
  useTestEmulator,
  webConfigFor,
} from './test/harness';

requireRedisInCi();
if (!redisServerAvailable()) {
  // Visible in the test output, never silent; CI fails above instead.
  console.warn('SKIPPED: the Redis outage tests need redis-server on PATH.');
}
const describeWithRedis = redisServerAvailable() ? describe : describe.skip;

/** How long the app waits for Redis here before answering 503 (the default is 2 s). */
const STORE_TIMEOUT_MS = 300;

/**
 * The web app with REDIS_URL while its Redis hangs or goes down and comes back: requests that
 * need a session answer 503 with Retry-After, nothing is lost, and it recovers by itself.
 */
describeWithRedis('web sessions through a Redis outage', () => {
  const emulator = useTestEmulator();
  let redis: LocalRedis;
  let web: WebApp;

  // A fresh Redis (persistence on, as docker-compose.yml runs it) and app per test.
  beforeEach(async () => {
    redis = await startLocalRedis({ appendonly: true });
    web = createApp(
      webConfigFor(emulator(), 'http://127.0.0.1:9', {
        REDIS_URL: redis.url,
        SESSION_SECRET: 'a-shared-test-secret-of-at-least-32-chars',
      }),
      { logger: silentLogger, sessionStoreTimeoutMs: STORE_TIMEOUT_MS },
    );
    await untilReady(200);
  });

  afterEach(async () => {
    await web?.close();
    await redis?.stop();
  });

  async function untilReady(status: number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await request(web.app).get('/readyz')).status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`/readyz never answered ${status}`);
  }

  /** Signs alice in; returns her session cookie. */
  async function signInAlice(): Promise<string> {
    const back = await finishSignIn(web.app, await startSignIn(web.app, ALICE)).expect(302);
    const cookie = sessionCookieOf(back) as string;
    expect((await profile(cookie)).status).toBe(200);
    return cookie;
  }

  const profile = (cookie: string) => request(web.app).get('/profile').set('cookie', cookie);

  function expectUnavailable(res: request.Response): void {
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('session_store_unavailable');
    // The cookie is left alone: nothing tells the browser to drop or replace it.
    expect(res.headers['set-cookie']).toBeUndefined();
  }

  it('a hung Redis: 503 with Retry-After; once it answers, the same cookie is signed in', async () => {
    const cookie = await signInAlice();
    redis.pause();
    try {
      expectUnavailable(await profile(cookie));
      expectUnavailable(await request(web.app).get('/').set('cookie', cookie));
      await request(web.app).get('/readyz').expect(503);
    } finally {
      redis.resume();
    }
    await untilReady(200);
    expect((await profile(cookie).expect(200)).text).toContain(ALICE);
  });

  it('Redis down and restarted on the same port: 503 meanwhile, then the same cookie is signed in', async () => {
    const cookie = await signInAlice();
    await redis.down();
    expectUnavailable(await profile(cookie));
    expectUnavailable(await request(web.app).get('/subscriptions').set('cookie', cookie));
    const logoutPage = await request(web.app).get('/logout').set('cookie', cookie);
    expectUnavailable(logoutPage);
    await request(web.app).get('/readyz').expect(503);
    // Pages that need no session still work.
    await request(web.app).get('/').expect(200);
    await request(web.app).get('/login').expect(302);

    await redis.up();
    await untilReady(200); // the client reconnects by itself
    expect((await profile(cookie).expect(200)).text).toContain(ALICE);
  });

  it('a Redis refusing writes (out of memory): the sign-in answers 503, not a redirect to nothing', async () => {
    const started = await startSignIn(web.app, ALICE);
    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      // Reads and deletes still work; SET is refused with OOM.
      await admin.configSet({ maxmemory: '1', 'maxmemory-policy': 'noeviction' });
      const back = await finishSignIn(web.app, started);
      expect(back.status).toBe(503);
      expect(back.text).toContain('session_store_unavailable');
      await admin.configSet({ maxmemory: '0' });
    } finally {
      await admin.close();
    }
    await signInAlice();
  });

  it('a sign-in completed while Redis is down answers 503, and works once it is back', async () => {
    const started = await startSignIn(web.app, ALICE);
    await redis.down();
    const back = await finishSignIn(web.app, started);
    expect(back.status).toBe(503);
    expect(back.headers['retry-after']).toMatch(/^\d+$/);
    expect(back.text).toContain('session_store_unavailable');

    await redis.up();
    await untilReady(200);
    await signInAlice();
  });
});

import type { RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  completeSignIn,
  csrfTokenOf,
  finishSignIn,
  sessionCookieOf,
  startSignIn,
  startApiBundle,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
  type ApiBundle,
} from './test/harness';
import { redisAvailable, requireRedisInCi, startTestRedis, type TestRedis } from '@obo/testing';

requireRedisInCi();
if (!redisAvailable()) {
  // Visible in the test output, never silent; CI fails above instead.
  console.warn('SKIPPED: Redis session tests need redis-server on PATH or REDIS_TEST_URL.');
}
const describeWithRedis = redisAvailable() ? describe : describe.skip;

/** Two web instances sharing sessions (and so each user's token cache) through a real Redis. */
describeWithRedis('sessions in Redis shared by two instances', () => {
  let emu: RunningEmulator;
  let api: ApiBundle;
  let redis: TestRedis;
  let one: WebApp;
  let two: WebApp;

  beforeAll(async () => {
    [emu, redis] = await Promise.all([startTestEmulator(), startTestRedis()]);
    trustEmulator(emu);
    api = await startApiBundle(emu);
    const env = {
      REDIS_URL: redis.url,
      SESSION_SECRET: 'a-shared-test-secret-of-at-least-32-chars',
    };
    one = createApp(webConfigFor(emu, api.url, env), { logger: silentLogger });
    two = createApp(webConfigFor(emu, api.url, env), { logger: silentLogger });
    // Wait until both Redis clients are connected.
    for (const app of [one, two]) {
      for (let i = 0; i < 50; i++) {
        if ((await request(app.app).get('/readyz')).status === 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await api?.stop();
    await emu?.stop();
    await redis?.stop();
  });

  it('reports ready when Redis answers', async () => {
    const res = await request(one.app).get('/readyz').expect(200);
    expect(res.body.checks.sessionStore).toBe('ok');
  });

  it('a user signed in through one instance is served by the other', async () => {
    const agent = request.agent(one.app);
    const start = await agent.get('/login').expect(302);
    expect(sessionCookieOf(start)).toBeUndefined(); // no session before sign-in
    const back = await completeSignIn(agent, start.headers.location, ALICE);
    expect(back).toBe('/');

    // Take the session cookie the jar holds and present it to the other instance.
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('Signed in as');
    const cookie = (
      agent as unknown as { jar: { getCookie(n: string, o: object): { toValueString(): string } } }
    ).jar
      .getCookie('obo.web.sid', { path: '/', domain: '127.0.0.1', secure: false, script: false })
      ?.toValueString();
    expect(cookie).toBeTruthy();

    const res = await request(two.app)
      .get('/subscriptions')
      .set('cookie', cookie as string)
      .expect(200);
    // Alice's subscriptions, through the API, with the token instance one obtained at sign-in.
    expect(res.text).toContain('Alice Production');
    await request(two.app)
      .get('/profile')
      .set('cookie', cookie as string)
      .expect(200);

    // Signing out on the second instance ends the session for the first as well.
    const page = await request(two.app)
      .get('/logout')
      .set('cookie', cookie as string)
      .expect(200);
    await request(two.app)
      .post('/logout')
      .set('cookie', cookie as string)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text) })
      .expect(302);
    await agent.get('/profile').expect(401);
  });

  it('a sign-in started on one instance completes on the other (the key comes from SESSION_SECRET)', async () => {
    const started = await startSignIn(one.app, ALICE, { loginPath: '/login?returnTo=%2Fprofile' });
    const back = await finishSignIn(two.app, started).expect(302);
    expect(back.headers.location).toBe('/profile');
    const profile = await request(one.app)
      .get('/profile')
      .set('cookie', sessionCookieOf(back) as string)
      .expect(200);
    expect(profile.text).toContain(ALICE);
  });

  it('fails readiness when Redis is gone', async () => {
    const broken = createApp(
      webConfigFor(emu, api.url, {
        REDIS_URL: 'redis://127.0.0.1:9',
        SESSION_SECRET: 'a-shared-test-secret-of-at-least-32-chars',
      }),
      { logger: silentLogger },
    );
    try {
      const res = await request(broken.app).get('/readyz').expect(503);
      expect(res.body.checks.sessionStore).toBe('failing');
    } finally {
      await broken.close();
    }
  });
});

import request from 'supertest';
import { createApp, type WebApp } from './app';
import { floodAnonymously } from './test/anonymous-traffic';
import { sessionCount, silentLogger } from './test/config';
import {
  ALICE,
  BOB,
  finishSignIn,
  sessionCookieOf,
  signIn,
  startSignIn,
  useTestEmulator,
  webConfigFor,
} from './test/harness';

/** Sessions the in-memory store keeps in these tests: far fewer than the flood. */
const SMALL_BOUND = 3;

/**
 * Anonymous traffic and the bounded in-memory session store: only a completed sign-in creates
 * a server session, so no amount of anonymous requests can evict a signed-in user.
 */
describe('anonymous traffic against a small session store', () => {
  const emulator = useTestEmulator();
  let web: WebApp;

  // A fresh app (and store) per test. No API is needed: nothing here gets as far as calling it.
  beforeEach(() => {
    web = createApp(webConfigFor(emulator(), 'http://127.0.0.1:9'), {
      logger: silentLogger,
      maxMemorySessions: SMALL_BOUND,
    });
  });

  afterEach(async () => {
    await web?.close();
  });

  it('a flood far beyond the store bound leaves signed-in users signed in', async () => {
    const alice = request.agent(web.app);
    const bob = request.agent(web.app);
    await signIn(alice, ALICE);
    await signIn(bob, BOB);
    expect(await sessionCount(web)).toBe(2);

    const statuses = await floodAnonymously(web.app, 100 * SMALL_BOUND);
    expect(statuses[302]).toBeGreaterThan(SMALL_BOUND); // sign-ins started, among others

    // Sign-ins started and then failed at the token endpoint (a made-up code) create nothing.
    for (let i = 0; i < 2 * SMALL_BOUND; i++) {
      const agent = request.agent(web.app);
      const start = await agent.get('/login').expect(302);
      const state = new URL(start.headers.location).searchParams.get('state');
      const res = await agent.get('/auth/redirect').query({ state, code: 'made-up' }).expect(400);
      expect(res.text).toContain('AADSTS9002313'); // refused by the token endpoint
    }

    expect(await sessionCount(web)).toBe(2);
    expect((await alice.get('/profile').expect(200)).text).toContain(ALICE);
    expect((await bob.get('/profile').expect(200)).text).toContain(BOB);
  });

  it('sign-ins still evict the least recently used signed-in session at the bound', async () => {
    const agents = [ALICE, BOB, ALICE, BOB].map(() => request.agent(web.app));
    for (const [i, agent] of agents.entries()) await signIn(agent, i % 2 ? BOB : ALICE);
    // The bound holds for signed-in users: the store keeps the most recent three.
    expect(await sessionCount(web)).toBe(SMALL_BOUND);
    await agents[0].get('/profile').expect(401);
    for (const agent of agents.slice(1)) await agent.get('/profile').expect(200);
  });

  it('a sign-in started before a flood still completes after it', async () => {
    const started = await startSignIn(web.app, ALICE);
    await floodAnonymously(web.app, 20 * SMALL_BOUND);
    const back = await finishSignIn(web.app, started).expect(302);
    await request(web.app)
      .get('/profile')
      .set('cookie', sessionCookieOf(back) as string)
      .expect(200);
  });
});

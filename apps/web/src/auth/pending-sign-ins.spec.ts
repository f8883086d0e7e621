import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { SealedBox } from './sealed-box';
import {
  MAX_PENDING,
  PENDING_COOKIE,
  PENDING_TTL_MS,
  PendingSignIns,
  type PendingSignIn,
} from './pending-sign-ins';

const SECRET = 'a-test-secret-of-at-least-32-characters';

function pending(state: string, createdAt: number, extra: Partial<PendingSignIn> = {}) {
  return {
    state,
    nonce: `nonce-${state}`,
    codeVerifier: `verifier-${state}`,
    returnTo: '/',
    flow: 'signIn',
    reason: 'user',
    createdAt,
    ...extra,
  } satisfies PendingSignIn;
}

/** A tiny app around one PendingSignIns: `/add?state=…` and `/take?state=…`. */
function harness(options: { maxUsed?: number; secret?: string } = {}) {
  let clock = 1_000_000;
  const jar = new PendingSignIns({
    secret: options.secret ?? SECRET,
    now: () => clock,
    ...options,
  });
  const app = express();
  app.use(cookieParser());
  app.get('/add', (req, res) => {
    jar.add(
      req,
      res,
      pending(String(req.query.state), clock, { claims: req.query.claims as string }),
    );
    res.end();
  });
  app.get('/take', (req, res) => {
    const found = jar.take(req, res, req.query.state as string | undefined);
    res.json({ found: found?.state ?? null, verifier: found?.codeVerifier ?? null });
  });
  app.get('/take-then-add', (req, res) => {
    jar.take(req, res, String(req.query.state));
    jar.add(req, res, pending('added', clock));
    res.end();
  });
  return {
    app,
    agent: request.agent(app),
    tick: (ms: number) => (clock += ms),
  };
}

const setCookies = (res: request.Response) =>
  ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .filter((c) => c.startsWith(PENDING_COOKIE));

describe('PendingSignIns', () => {
  it('hands a pending sign-in out once and clears the cookie when none is left', async () => {
    const { agent } = harness();
    await agent.get('/add?state=s1').expect(200);
    const taken = await agent.get('/take?state=s1').expect(200);
    expect(taken.body).toEqual({ found: 's1', verifier: 'verifier-s1' });
    expect(setCookies(taken)[0]).toMatch(/^obo\.web\.signin=; .*Expires=Thu, 01 Jan 1970/);
    expect((await agent.get('/take?state=s1')).body.found).toBeNull();
  });

  it('refuses the same pending sign-in twice even when the browser replays the old cookie', async () => {
    const { app, agent } = harness();
    const added = await agent.get('/add?state=s1').expect(200);
    const oldCookie = setCookies(added)[0].split(';')[0];
    expect((await agent.get('/take?state=s1')).body.found).toBe('s1');
    const replay = await request(app).get('/take?state=s1').set('cookie', oldCookie);
    expect(replay.body.found).toBeNull();
  });

  it('forgets used states beyond maxUsed (the IdP’s one-time code is the barrier then)', async () => {
    const { app, agent } = harness({ maxUsed: 2 });
    const added = await agent.get('/add?state=s1').expect(200);
    const oldCookie = setCookies(added)[0].split(';')[0];
    expect((await agent.get('/take?state=s1')).body.found).toBe('s1');
    for (const state of ['s2', 's3']) {
      await agent.get(`/add?state=${state}`);
      await agent.get(`/take?state=${state}`);
    }
    const replay = await request(app).get('/take?state=s1').set('cookie', oldCookie);
    expect(replay.body.found).toBe('s1');
  });

  it('keeps several sign-ins in flight (tabs), at most MAX_PENDING, newest first', async () => {
    const { agent } = harness();
    for (let i = 0; i <= MAX_PENDING; i++) await agent.get(`/add?state=s${i}`);
    // The oldest fell out; each of the others is still there.
    expect((await agent.get('/take?state=s0')).body.found).toBeNull();
    for (let i = MAX_PENDING; i >= 1; i--) {
      expect((await agent.get(`/take?state=s${i}`)).body.found).toBe(`s${i}`);
    }
  });

  it('expires pending sign-ins after PENDING_TTL_MS', async () => {
    const { agent, tick } = harness();
    await agent.get('/add?state=old');
    tick(PENDING_TTL_MS - 1000);
    await agent.get('/add?state=new');
    tick(1000);
    expect((await agent.get('/take?state=old')).body.found).toBeNull();
    expect((await agent.get('/take?state=new')).body.found).toBe('new');
  });

  it('sets a sealed, HttpOnly, SameSite=Lax cookie that lives as long as the newest entry', async () => {
    const { agent, tick } = harness();
    const first = setCookies(await agent.get('/add?state=visible-state'))[0];
    expect(first).toMatch(/HttpOnly/);
    expect(first).toMatch(/SameSite=Lax/);
    expect(first).toMatch(/Max-Age=600;/);
    expect(first).not.toContain('visible-state');
    expect(first).not.toContain('verifier-');
    tick(60_000);
    expect(setCookies(await agent.get('/add?state=b'))[0]).toMatch(/Max-Age=600;/);
  });

  it.each([
    ['garbage', 'not-sealed'],
    ['truncated', 'AAAA'],
    ['empty', ''],
  ])('treats a %s cookie as no pending sign-in and clears it', async (_name, value) => {
    const { app } = harness();
    const res = await request(app)
      .get('/take?state=s1')
      .set('cookie', `${PENDING_COOKIE}=${value}`)
      .expect(200);
    expect(res.body.found).toBeNull();
    if (value) expect(setCookies(res)[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a cookie sealed with another secret or tampered with', async () => {
    const other = harness({ secret: 'another-secret-of-at-least-32-characters' });
    const sealed = setCookies(await other.agent.get('/add?state=s1'))[0].split(';')[0];
    const { app } = harness();
    expect((await request(app).get('/take?state=s1').set('cookie', sealed)).body.found).toBeNull();

    const mine = harness();
    const cookie = setCookies(await mine.agent.get('/add?state=s1'))[0].split(';')[0];
    // Change one character of the sealed value (the one before last), whatever it was.
    const at = cookie.length - 2;
    const flipped = cookie.slice(0, at) + (cookie[at] === 'A' ? 'B' : 'A') + cookie.slice(at + 1);
    expect(flipped).not.toBe(cookie);
    expect(
      (await request(mine.app).get('/take?state=s1').set('cookie', flipped)).body.found,
    ).toBeNull();
    expect((await request(mine.app).get('/take?state=s1').set('cookie', cookie)).body.found).toBe(
      's1',
    );
  });

  it('refuses a well-sealed cookie of an unknown format', async () => {
    const { app } = harness();
    const box = new SealedBox(SECRET, 'obo-web pending sign-ins v1');
    for (const body of ['[]', '{"v":2,"p":[]}', 'not json', `{"v":1,"p":[{"state":1}]}`]) {
      const res = await request(app)
        .get('/take?state=s1')
        .set('cookie', `${PENDING_COOKIE}=${box.seal(body)}`)
        .expect(200);
      expect(res.body.found).toBeNull();
    }
  });

  it('takes one entry and adds another in the same response (one Set-Cookie, both applied)', async () => {
    const { agent } = harness();
    await agent.get('/add?state=s1');
    const res = await agent.get('/take-then-add?state=s1').expect(200);
    expect(setCookies(res)).toHaveLength(1);
    expect((await agent.get('/take?state=s1')).body.found).toBeNull();
    expect((await agent.get('/take?state=added')).body.found).toBe('added');
  });

  it('drops the oldest entries to stay under the cookie size limit; refuses one that cannot fit', async () => {
    const { agent } = harness();
    const claims = encodeURIComponent(JSON.stringify({ access_token: { x: 'y'.repeat(1000) } }));
    for (let i = 0; i < 4; i++) await agent.get(`/add?state=s${i}&claims=${claims}`).expect(200);
    const cookie = setCookies(await agent.get(`/add?state=s4&claims=${claims}`))[0];
    expect(cookie.split(';')[0].length).toBeLessThan(4000);
    expect((await agent.get('/take?state=s0')).body.found).toBeNull();
    expect((await agent.get('/take?state=s4')).body.found).toBe('s4');

    const huge = encodeURIComponent(JSON.stringify({ access_token: { x: 'y'.repeat(4000) } }));
    await agent.get(`/add?state=big&claims=${huge}`).expect(502); // WebError sign_in_request_too_large
  });

  it('rejects bad options at construction', () => {
    expect(() => new PendingSignIns({ secret: 'short' })).toThrow(RangeError);
    expect(() => new PendingSignIns({ secret: SECRET, maxUsed: 0 })).toThrow(RangeError);
  });
});

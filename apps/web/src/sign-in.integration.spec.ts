import type { RunningEmulator } from '@obo/entra-emulator';
import { EmulatorBrowser } from '@obo/entra-emulator';
import { Writable } from 'node:stream';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { ALL_BUT_DATE } from '@obo/testing';
import pino from 'pino';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  BOB,
  CAROL,
  completeSignIn,
  csrfTokenOf,
  DAVE,
  finishSignIn,
  PASSWORD,
  pendingCookieOf,
  REDIRECT_URI,
  sessionCookieOf,
  signIn,
  startApiBundle,
  startSignIn,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
  type ApiBundle,
} from './test/harness';

const WEB_CLIENT_SECRET = EMULATOR_DEFAULTS.web.clientSecret;

/** A JWT anywhere in a text: never in a page or a log. */
const JWT_SHAPED = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}/;

/**
 * The web app against the in-process emulator and the real API (its bundle, as deployed), so
 * every API answer here is one the API really gives: subscriptions from the emulator's ARM,
 * claims challenges from Conditional Access, errors from faults injected into the emulator.
 */
describe('web app with the Entra emulator and the API', () => {
  let emu: RunningEmulator;
  let api: ApiBundle;
  let web: WebApp;
  let clock = Date.now();

  beforeAll(async () => {
    // Alice's first subscription gets markup in its name: the page must escape it.
    emu = await startTestEmulator((seed) => {
      const alice = seed.users.find((u) => u.userPrincipalName === ALICE);
      if (alice?.subscriptions?.[0]) alice.subscriptions[0].displayName = 'Alice Production <b>';
    });
    trustEmulator(emu);
    api = await startApiBundle(emu);
    web = createApp(webConfigFor(emu, api.url), { logger: silentLogger, now: () => clock });
  });

  afterAll(async () => {
    await web?.close();
    await api?.stop();
    await emu?.stop();
  });

  beforeEach(() => {
    clock = Date.now();
  });

  afterEach(() => {
    emu.faults.clear();
  });

  it('signs in through the real login form, shows profile and subscriptions, signs out', async () => {
    const agent = request.agent(web.app);
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('You are not signed in');

    // /login → the emulator's authorize endpoint.
    const start = await agent.get('/login').expect(302);
    const authorizeUrl = new URL(start.headers.location);
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/authorize`,
    );

    // The emulator's login page, fetched and posted like a browser would (no JavaScript).
    const browser = new EmulatorBrowser(emu.caCert);
    const page = await browser.get(authorizeUrl.toString());
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="login"');
    expect(page.body).toContain('name="passwd"');
    const action = /<form method="post" action="([^"]*)"/.exec(page.body)?.[1] ?? '';
    const hidden = Object.fromEntries(
      [...page.body.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    const posted = await browser.post(new URL(action, emu.url).toString(), {
      ...hidden,
      login: ALICE,
      passwd: PASSWORD,
    });
    expect(posted.status).toBe(302);
    const redirect = new URL(String(posted.headers.location));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT_URI);
    expect(redirect.searchParams.get('code')).toBeTruthy();

    // Back to the app's redirect path with the same cookie jar.
    const back = await agent.get(`/auth/redirect${redirect.search}`).expect(302);
    expect(back.headers.location).toBe('/');

    const signedIn = await agent.get('/').expect(200);
    expect(signedIn.text).toMatch(/Signed in as <strong>Alice/);
    expect(signedIn.text).toContain('Sign out');

    const profile = await agent.get('/profile').expect(200);
    for (const claim of ['name', 'oid', 'tid', 'preferred_username']) {
      expect(profile.text).toContain(`<code>${claim}</code>`);
    }
    expect(profile.text).toContain(ALICE);
    expect(profile.text).toContain(emu.tenantId);

    emu.resetCounters();
    const subs = await agent.get('/subscriptions').set('x-correlation-id', 'corr-123').expect(200);
    expect(subs.text).toContain('Alice Production &lt;b&gt;');
    expect(subs.text).not.toContain('Alice Production <b>');
    expect(subs.text).toContain('Alice Staging');
    expect(subs.text).toContain('0b0e1001-0000-4000-8000-000000000003');
    expect(subs.text).toContain(emu.tenantId);
    // The API accepted the web app's token (validation: audience, issuer, scope) and
    // exchanged it once On-Behalf-Of alice for ARM; the correlation id went along.
    expect(emu.counters().token.on_behalf_of).toBe(1);
    expect(emu.counters().arm.subscriptions).toBe(1);
    await api.waitForOutput(/"correlationId":"corr-123"/);

    // A second visit is served from the session's token cache (no token-endpoint call).
    emu.resetCounters();
    await agent.get('/subscriptions').expect(200);
    expect(emu.counters().token.total).toBe(0);
    expect(emu.counters().discovery + emu.counters().instanceDiscovery).toBe(0);

    // Sign out with the page's CSRF token.
    const csrf = csrfTokenOf(signedIn.text);
    expect(csrf).toBeTruthy();
    const out = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(302);
    const endSession = new URL(out.headers.location);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/logout`,
    );
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe('http://localhost:3000/');
    expect(String(out.headers['set-cookie'])).toMatch(/obo\.web\.sid=;/);

    await agent.get('/profile').expect(401);
    const after = await agent.get('/').expect(200);
    expect(after.text).toContain('You are not signed in');
  });

  it('returns to a local returnTo after sign-in', async () => {
    const agent = request.agent(web.app);
    expect(await signIn(agent, BOB, '/login?returnTo=%2Fsubscriptions')).toBe('/subscriptions');
  });

  it.each(['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'http:evil.example'])(
    'refuses the open redirect returnTo=%s (back to /)',
    async (returnTo) => {
      const agent = request.agent(web.app);
      const location = await signIn(agent, BOB, `/login?returnTo=${encodeURIComponent(returnTo)}`);
      expect(location).toBe('/');
    },
  );

  it('rejects a tampered state with the auth error page (400)', async () => {
    const agent = request.agent(web.app);
    const start = await agent.get('/login').expect(302);
    const result = await new EmulatorBrowser(emu.caCert).signIn(start.headers.location, {
      username: ALICE,
      password: PASSWORD,
    });
    const res = await agent
      .get('/auth/redirect')
      .query({ ...result.params, state: `${result.params.state}x` })
      .expect(400);
    expect(res.text).toContain('state_mismatch');
    await agent.get('/profile').expect(401);
  });

  it('rejects a replayed code (same browser, and with a fresh state) with 400', async () => {
    const agent = request.agent(web.app);
    const start = await agent.get('/login').expect(302);
    const result = await new EmulatorBrowser(emu.caCert).signIn(start.headers.location, {
      username: ALICE,
      password: PASSWORD,
    });
    const back = await agent.get('/auth/redirect').query(result.params).expect(302);
    // The redirect clears the pending sign-in from the browser's cookie.
    expect(String(back.headers['set-cookie'])).toMatch(/obo\.web\.signin=;/);
    // Same state again: the pending sign-in was used up.
    emu.resetCounters();
    const replay = await agent.get('/auth/redirect').query(result.params).expect(400);
    expect(replay.text).toContain('state_mismatch');
    // Same state with the cookie from before the sign-in (kept by a replaying client): our own
    // check refuses it — the code never reaches the token endpoint.
    const stale = await request(web.app)
      .get('/auth/redirect')
      .query(result.params)
      .set('cookie', pendingCookieOf(start) as string)
      .expect(400);
    expect(stale.text).toContain('state_mismatch');
    expect(emu.counters().token.total).toBe(0);

    // The code with a freshly started sign-in's state: the IdP refuses the used code.
    const other = request.agent(web.app);
    const fresh = new URL((await other.get('/login').expect(302)).headers.location);
    const res = await other
      .get('/auth/redirect')
      .query({ code: result.params.code, state: fresh.searchParams.get('state') })
      .expect(400);
    expect(res.text).toContain('invalid_grant');
    await other.get('/profile').expect(401);
  });

  it('refuses a sign-in completed more than 10 minutes after it started (400)', async () => {
    const started = await startSignIn(web.app, ALICE);
    clock += 10 * 60_000;
    emu.resetCounters();
    const res = await finishSignIn(web.app, started).expect(400);
    expect(res.text).toContain('state_mismatch');
    expect(emu.counters().token.total).toBe(0);
    expect(sessionCookieOf(res)).toBeUndefined();
  });

  it('completes sign-ins started in two tabs of one browser, in either order', async () => {
    const agent = request.agent(web.app);
    const first = await agent.get('/login?returnTo=%2Fprofile').expect(302);
    const second = await agent.get('/login?returnTo=%2Fsubscriptions').expect(302);
    const browser = new EmulatorBrowser(emu.caCert);
    const b = await browser.signIn(second.headers.location, {
      username: ALICE,
      password: PASSWORD,
    });
    const a = await browser.signIn(first.headers.location, { username: ALICE, password: PASSWORD });
    expect((await agent.get('/auth/redirect').query(b.params).expect(302)).headers.location).toBe(
      '/subscriptions',
    );
    expect((await agent.get('/auth/redirect').query(a.params).expect(302)).headers.location).toBe(
      '/profile',
    );
    await agent.get('/profile').expect(200);
  });

  it('shows IdP errors on the redirect as the auth error page (400)', async () => {
    const agent = request.agent(web.app);
    const start = await agent.get('/login').expect(302);
    const state = new URL(start.headers.location).searchParams.get('state');
    const res = await agent
      .get('/auth/redirect')
      .query({ error: 'access_denied', error_description: 'AADSTS65004: declined <i>x</i>', state })
      .expect(400);
    expect(res.text).toContain('access_denied');
    expect(res.text).toContain('AADSTS65004: declined &lt;i&gt;x&lt;/i&gt;');
  });

  it('issues a new session id at sign-in: a planted session id is worthless (fixation)', async () => {
    // The attacker's own session id (the only kind a visitor can get: none exists before sign-in).
    const attackerSignIn = await startSignIn(web.app, BOB);
    expect(sessionCookieOf(attackerSignIn.start)).toBeUndefined();
    const planted = sessionCookieOf(await finishSignIn(web.app, attackerSignIn).expect(302));
    expect(planted).toBeDefined();

    // The victim's browser carries the planted id through its own sign-in.
    const victimSignIn = await startSignIn(web.app, ALICE, { cookie: planted });
    const back = await finishSignIn(web.app, victimSignIn, planted).expect(302);
    const issued = sessionCookieOf(back);
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);

    const victim = await request(web.app)
      .get('/profile')
      .set('cookie', issued as string)
      .expect(200);
    expect(victim.text).toContain(ALICE);
    const withPlanted = await request(web.app)
      .get('/profile')
      .set('cookie', planted as string);
    expect(withPlanted.text).not.toContain(ALICE);
  });

  it('refuses POST /logout without or with a wrong CSRF token (403); the user stays signed in', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const missing = await agent.post('/logout').type('form').send({}).expect(403);
    expect(missing.text).toContain('invalid_csrf_token');
    const wrong = await agent.post('/logout').type('form').send({ _csrf: 'forged' }).expect(403);
    expect(wrong.text).toContain('invalid_csrf_token');
    await agent.get('/profile').expect(200);
  });

  it.each([
    [
      'a cross-site top-level navigation',
      {
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
      },
    ],
    ['a request without fetch metadata', {}],
  ])('GET /logout from %s does not sign out: it asks', async (_name, headers) => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.resetCounters();
    const page = await agent.get('/logout').set(headers).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<form method="post" action="/logout" class="confirm">');
    expect(page.text).toContain(ALICE);
    await agent.get('/profile').expect(200);
    expect(emu.counters().logout).toBe(0);
  });

  it('refuses a POST /logout another site sent, even with a valid token (403)', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const csrf = csrfTokenOf((await agent.get('/').expect(200)).text);
    for (const site of ['cross-site', 'same-site']) {
      const res = await agent
        .post('/logout')
        .set('sec-fetch-site', site)
        .type('form')
        .send({ _csrf: csrf })
        .expect(403);
      expect(res.text).toContain('cross_site_request');
    }
    await agent.get('/profile').expect(200);
  });

  it('signs out from the confirmation page’s own form (same-origin POST)', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const page = await agent.get('/logout').expect(200);
    const out = await agent
      .post('/logout')
      .set('sec-fetch-site', 'same-origin')
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text) })
      .expect(302);
    expect(out.headers.location).toContain(`${emu.authority}/oauth2/v2.0/logout`);
    await agent.get('/profile').expect(401);
  });

  it('ends the session after the absolute lifetime however active it is', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    await agent.get('/profile').expect(200);
    clock += 12 * 3_600_000 + 1000;
    await agent.get('/profile').expect(401);
  });

  it('keeps each user’s tokens in their own session', async () => {
    const alice = request.agent(web.app);
    const bob = request.agent(web.app);
    await signIn(alice, ALICE);
    await signIn(bob, BOB);
    const a = await alice.get('/subscriptions').expect(200);
    const b = await bob.get('/subscriptions').expect(200);
    expect(a.text).toContain('Alice Staging');
    expect(b.text).not.toContain('Alice Staging');
    expect(b.text).toContain('0b0e1002-'); // bob's subscriptions (all ARM pages)
  });

  it('answers an MFA claims challenge from the API with a step-up sign-in', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, CAROL);
    // ARM requires MFA for carol (seeded Conditional Access): OBO answers with a claims
    // challenge, the API passes it on (401 insufficient_claims), the web app steps up.
    const challenged = await agent.get('/subscriptions').expect(302);
    const authorize = new URL(challenged.headers.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/authorize`,
    );
    const claims = JSON.parse(authorize.searchParams.get('claims') ?? '{}');
    expect(claims.access_token.capolids.values).toEqual([expect.any(String)]);
    expect(claims.access_token.xms_cc.values).toEqual(['cp1']);

    const location = await completeSignIn(agent, authorize.toString(), CAROL);
    expect(location).toBe('/subscriptions');
    const page = await agent.get('/subscriptions').expect(200);
    // Carol's subscriptions: the new token carried MFA, so OBO and ARM accepted it.
    expect(page.text).toContain('<table');
    expect(page.text).toContain('0b0e1003-');
  });

  it('stops instead of looping when the API challenges again right after a step-up', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, CAROL);
    const first = await agent.get('/subscriptions').expect(302);
    await completeSignIn(agent, first.headers.location, CAROL);
    // The next OBO is challenged again although the user just did MFA.
    emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', aadsts: 50076, count: 1 });
    const again = await agent.get('/subscriptions').expect(403);
    expect(again.text).toContain('insufficient_claims');
  });

  it('signs in again when silent acquisition needs interaction (expired token, MFA on refresh)', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.resetCounters();
    emu.faults.add({ endpoint: 'token', grantType: 'refresh_token', aadsts: 50076, count: 1 });
    // Only Date moves: MSAL then finds the access token due and tries the refresh token.
    jest.useFakeTimers({
      doNotFake: [...ALL_BUT_DATE],
      // Inside the 60-minute idle lifetime, past MSAL's 5-minute refresh margin.
      now: Date.now() + 58 * 60_000,
    });
    try {
      const res = await agent.get('/subscriptions').expect(302);
      const url = new URL(res.headers.location);
      expect(`${url.origin}${url.pathname}`).toBe(`${emu.authority}/oauth2/v2.0/authorize`);
      expect(url.searchParams.get('login_hint')).toBe(ALICE);
      expect(
        JSON.parse(url.searchParams.get('claims') ?? '{}').access_token.capolids,
      ).toBeDefined();
    } finally {
      jest.useRealTimers();
      emu.faults.clear();
    }
    // The API was never called: no OBO, no ARM.
    expect(emu.counters().token.on_behalf_of).toBe(0);
    expect(emu.counters().arm.total).toBe(0);
  });

  it('asks for consent again on a 403 consent_required from the API', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    // Entra answers the API's OBO with AADSTS65001: the API says 403 consent_required, naming
    // the ARM scope; the web app sends the user to consent to it.
    emu.faults.add({ endpoint: 'token', grantType: 'on_behalf_of', aadsts: 65001, count: 1 });
    const res = await agent.get('/subscriptions').expect(302);
    const url = new URL(res.headers.location);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')).toContain('https://management.azure.com/');
    const state = url.searchParams.get('state');
    expect(state).toBeTruthy();
  });

  it('shows an error panel with the correlation id when the API fails', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    // ARM fails every attempt (the API retries twice): the API answers 502 arm_error.
    emu.faults.add({ endpoint: 'arm', status: 500, count: 3 });
    const res = await agent.get('/subscriptions').set('x-correlation-id', 'corr-err-1').expect(502);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('corr-err-1');
    expect(res.text).toContain('arm_error');
    expect(res.text).not.toMatch(JWT_SHAPED);
  });

  it('shows the empty state when the user has no subscriptions', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, DAVE);
    const res = await agent.get('/subscriptions').expect(200);
    expect(res.text).toContain('You have no Azure subscriptions');
  });

  it('never logs tokens, codes, cookies or the client secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = createApp(webConfigFor(emu, api.url, { LOG_LEVEL: 'trace' }), {
      logger: pino({ level: 'trace' }, sink),
    });
    try {
      const agent = request.agent(logged.app);
      const start = await agent.get('/login').expect(302);
      const result = await new EmulatorBrowser(emu.caCert).signIn(start.headers.location, {
        username: ALICE,
        password: PASSWORD,
      });
      const back = await agent.get('/auth/redirect').query(result.params).expect(302);
      const cookie = sessionCookieOf(back)?.split('=')[1] ?? '';
      const pendingCookie = pendingCookieOf(start)?.split('=')[1] ?? '';
      await agent.get('/subscriptions').expect(200);
      emu.faults.add({ endpoint: 'arm', status: 500, count: 3 });
      const page = await agent.get('/subscriptions').expect(502);
      await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(302);

      const log = lines.join('');
      expect(log).toContain('request completed');
      expect(log).toContain('"correlationId"');
      const secrets = [
        result.params.code,
        result.params.state,
        decodeURIComponent(cookie),
        pendingCookie,
        WEB_CLIENT_SECRET,
      ];
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(log).not.toContain(secret);
      }
      // No token of any kind (ID, access, refresh-as-JWT), in the web app's log or the API's.
      expect(log).not.toMatch(JWT_SHAPED);
      // Wait for the API's line about the failed call, so its whole log is checked.
      expect(await api.waitForOutput(/"statusCode":502/)).not.toMatch(JWT_SHAPED);
    } finally {
      await logged.close();
    }
  });

  it('shows an error panel when the API is unreachable', async () => {
    const down = createApp(webConfigFor(emu, 'http://127.0.0.1:9'), { logger: silentLogger });
    try {
      const agent = request.agent(down.app);
      await signIn(agent, ALICE);
      const res = await agent.get('/subscriptions').expect(502);
      expect(res.text).toContain('api_unreachable');
    } finally {
      await down.close();
    }
  });
});

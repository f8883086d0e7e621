import type { RunningEmulator } from '@obo/entra-emulator';
import { EmulatorBrowser } from '@obo/entra-emulator';
import { Writable } from 'node:stream';
import { EMULATOR_DEFAULTS } from '@obo/config';
import pino from 'pino';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  API_CLIENT_ID,
  BOB,
  CAROL,
  completeSignIn,
  csrfTokenOf,
  PASSWORD,
  REDIRECT_URI,
  sessionCookieOf,
  signIn,
  startFakeApi,
  startTestEmulator,
  trustEmulator,
  verifiedByEmulator,
  webConfigFor,
  WEB_CLIENT_ID,
  type FakeApi,
} from './test/harness';

const WEB_CLIENT_SECRET = EMULATOR_DEFAULTS.web.clientSecret;

const MFA_CHALLENGE = JSON.stringify({
  access_token: {
    capolids: { essential: true, values: ['00000000-0000-0000-0000-000000000000'] },
  },
});

/** The web app against the in-process emulator and a fakeApi playing apps/api's contract. */
describe('web app with the Entra emulator', () => {
  let emu: RunningEmulator;
  let fakeApi: FakeApi;
  let web: WebApp;
  let clock = Date.now();

  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
    fakeApi = await startFakeApi();
    web = createApp(webConfigFor(emu, fakeApi.url), { logger: silentLogger, now: () => clock });
  });

  afterAll(async () => {
    await web?.close();
    await fakeApi?.close();
    await emu?.stop();
  });

  beforeEach(() => {
    clock = Date.now();
    fakeApi.calls.length = 0;
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

    const subs = await agent.get('/subscriptions').set('x-correlation-id', 'corr-123').expect(200);
    expect(subs.text).toContain('Contoso Production &lt;b&gt;');
    expect(subs.text).toContain('22222222-2222-4222-8222-222222222222');
    expect(subs.text).toContain('Warned');
    expect(subs.text).toContain(emu.tenantId);

    // The fakeApi received a real emulator-issued access token for the API.
    expect(fakeApi.calls).toHaveLength(1);
    const call = fakeApi.calls[0];
    expect(call.correlationId).toBe('corr-123');
    expect(call.claims?.aud).toBe(API_CLIENT_ID);
    expect(call.claims?.azp).toBe(WEB_CLIENT_ID);
    expect(String(call.claims?.scp).split(' ')).toContain('access_as_user');
    expect(call.claims?.preferred_username).toBe(ALICE);
    expect(await verifiedByEmulator(emu, call.token ?? '')).toBe(true);

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
    await agent.get('/auth/redirect').query(result.params).expect(302);
    // Same state again: the pending sign-in was used up.
    const replay = await agent.get('/auth/redirect').query(result.params).expect(400);
    expect(replay.text).toContain('state_mismatch');

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

  it('issues a new session id at sign-in: the pre-login id is worthless (fixation)', async () => {
    const agent = request.agent(web.app);
    const start = await agent.get('/login').expect(302);
    const planted = sessionCookieOf(start);
    expect(planted).toBeDefined();

    const result = await new EmulatorBrowser(emu.caCert).signIn(start.headers.location, {
      username: ALICE,
      password: PASSWORD,
    });
    const back = await agent.get('/auth/redirect').query(result.params).expect(302);
    const issued = sessionCookieOf(back);
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);

    await agent.get('/profile').expect(200);
    await request(web.app)
      .get('/profile')
      .set('cookie', planted as string)
      .expect(401);
  });

  it('refuses POST /logout without or with a wrong CSRF token; the user stays signed in', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    await agent.post('/logout').type('form').send({}).expect(403);
    await agent.post('/logout').type('form').send({ _csrf: 'forged' }).expect(403);
    await agent.get('/profile').expect(200);
    // GET /logout (a link) still signs out.
    await agent.get('/logout').expect(302);
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
    await alice.get('/subscriptions').expect(200);
    await bob.get('/subscriptions').expect(200);
    expect(fakeApi.calls.map((c) => c.claims?.preferred_username)).toEqual([ALICE, BOB]);
  });

  it('answers an MFA claims challenge from the API with a step-up sign-in', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, CAROL);
    fakeApi.next((res) =>
      res
        .writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="", error="insufficient_claims", error_description="MFA required", claims="${Buffer.from(MFA_CHALLENGE).toString('base64')}"`,
        })
        .end(JSON.stringify({ error: 'insufficient_claims', correlationId: 'x' })),
    );
    const challenged = await agent.get('/subscriptions').expect(302);
    const authorize = new URL(challenged.headers.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/authorize`,
    );
    const claims = JSON.parse(authorize.searchParams.get('claims') ?? '{}');
    expect(claims.access_token.capolids.values).toEqual(['00000000-0000-0000-0000-000000000000']);
    expect(claims.access_token.xms_cc.values).toEqual(['cp1']);

    const location = await completeSignIn(agent, authorize.toString(), CAROL);
    expect(location).toBe('/subscriptions');
    const page = await agent.get('/subscriptions').expect(200);
    expect(page.text).toContain('Contoso Dev/Test');
    const last = fakeApi.calls[fakeApi.calls.length - 1];
    expect(last.claims?.amr).toEqual(expect.arrayContaining(['mfa']));
  });

  it('stops instead of looping when the API challenges again right after a step-up', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, CAROL);
    const challenge = (res: import('node:http').ServerResponse) =>
      res
        .writeHead(401, {
          'www-authenticate': `Bearer error="insufficient_claims", claims="${Buffer.from(MFA_CHALLENGE).toString('base64')}"`,
        })
        .end();
    fakeApi.next(challenge);
    const first = await agent.get('/subscriptions').expect(302);
    await completeSignIn(agent, first.headers.location, CAROL);
    fakeApi.next(challenge);
    const again = await agent.get('/subscriptions').expect(403);
    expect(again.text).toContain('insufficient_claims');
  });

  it('signs in again when silent acquisition needs interaction (expired token, MFA on refresh)', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.faults.add({ endpoint: 'token', grantType: 'refresh_token', aadsts: 50076, count: 1 });
    // Only Date moves: MSAL then finds the access token due and tries the refresh token.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
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
    expect(fakeApi.calls).toHaveLength(0);
  });

  it('asks for consent again on a 403 consent_required from the API', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    fakeApi.next((res) =>
      res.writeHead(403, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: 'consent_required',
          error_description: 'AADSTS65001',
          scopes: ['https://management.azure.com/user_impersonation'],
        }),
      ),
    );
    const res = await agent.get('/subscriptions').expect(302);
    const url = new URL(res.headers.location);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')).toContain(
      'https://management.azure.com/user_impersonation',
    );
    const state = url.searchParams.get('state');
    expect(state).toBeTruthy();
  });

  it('shows an error panel with the correlation id when the API fails', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    fakeApi.next((res) =>
      res.writeHead(502, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: 'arm_unavailable',
          error_description: 'Azure Resource Manager <did not answer>.',
          correlationId: 'corr-api',
        }),
      ),
    );
    const res = await agent.get('/subscriptions').set('x-correlation-id', 'corr-err-1').expect(502);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('corr-err-1');
    expect(res.text).toContain('arm_unavailable');
    expect(res.text).toContain('&lt;did not answer&gt;');
    expect(res.text).not.toContain(fakeApi.calls[0].token as string);
  });

  it('shows the empty state when the user has no subscriptions', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    fakeApi.next((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":[]}'),
    );
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
    const logged = createApp(webConfigFor(emu, fakeApi.url, { LOG_LEVEL: 'trace' }), {
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
      await agent.get('/subscriptions').expect(200);
      fakeApi.next((res) => res.writeHead(500).end());
      await agent.get('/subscriptions').expect(502);
      await agent.get('/logout').expect(302);

      const log = lines.join('');
      expect(log).toContain('request completed');
      expect(log).toContain('"correlationId"');
      const secrets = [
        result.params.code,
        result.params.state,
        decodeURIComponent(cookie),
        fakeApi.calls[0].token as string,
        WEB_CLIENT_SECRET,
      ];
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(log).not.toContain(secret);
      }
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

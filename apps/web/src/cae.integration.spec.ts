import { EmulatorBrowser, type RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  BOB,
  completeSignIn,
  DAVE,
  PASSWORD,
  REDIRECT_URI,
  signIn,
  startApiBundle,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
  type ApiBundle,
} from './test/harness';

/**
 * Continuous Access Evaluation through the web app, the real API (its bundle) and the emulator:
 * a critical event makes ARM refuse the API's token at the next request, and the user signs in
 * again (credentials asked: `prompt=login`) and lands back on the page. One clock for the
 * emulator and the web app, so a lagging token endpoint can be played.
 */
describe('web app: Continuous Access Evaluation', () => {
  let clock = Date.now();
  let emu: RunningEmulator;
  let api: ApiBundle;
  let web: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator(undefined, { now: () => clock });
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
    emu.reset();
  });

  /** An agent signed in as `user` who has seen their subscriptions once. */
  async function signedIn(user: string) {
    const agent = request.agent(web.app);
    await signIn(agent, user);
    await agent.get('/subscriptions').expect(200);
    clock += 1000;
    return agent;
  }

  /** `/subscriptions` must send the browser to sign in again; returns the authorize URL. */
  async function challenged(agent: request.Agent, user: string): Promise<URL> {
    const res = await agent.get('/subscriptions').expect(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${emu.authority}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('login_hint')).toBe(user);
    const claims = JSON.parse(url.searchParams.get('claims') ?? '{}');
    expect(claims.access_token.nbf).toEqual({ essential: true, value: expect.any(String) });
    expect(claims.access_token.xms_cc.values).toEqual(['cp1']);
    return url;
  }

  it('revoked sessions: the next click goes through sign-in and lands back on the list', async () => {
    const agent = await signedIn(ALICE);
    emu.revokeUser(ALICE);
    const authorize = await challenged(agent, ALICE);
    // The very next ARM call after the revocation was refused.
    expect(emu.counters().arm.caeChallenges).toBe(1);

    expect(await completeSignIn(agent, authorize.toString(), ALICE)).toBe('/subscriptions');
    const page = await agent.get('/subscriptions').expect(200);
    expect(page.text).toContain('Alice Production');

    const journey = await agent.get('/journey').expect(200);
    const panel =
      /<section class="panel" data-challenge="reauthentication"[\s\S]*?<\/section>/.exec(
        journey.text,
      )?.[0];
    expect(panel).toContain('Continuous Access Evaluation');
    expect(panel).toContain('Critical event');
    expect(panel).toContain('Signed in again');
    expect(panel).toContain('/subscriptions');
  });

  it('a password change: the old password is refused, the new one lands back on the list', async () => {
    const agent = await signedIn(BOB);
    emu.changePassword(BOB, 'N3w-Passw0rd!');
    const authorize = await challenged(agent, BOB);
    await expect(
      new EmulatorBrowser(emu.caCert).signIn(authorize.toString(), {
        username: BOB,
        password: PASSWORD,
      }),
    ).rejects.toThrow(/AADSTS50126/);
    const result = await new EmulatorBrowser(emu.caCert).signIn(authorize.toString(), {
      username: BOB,
      password: 'N3w-Passw0rd!',
    });
    expect(result.redirectUri).toBe(REDIRECT_URI);
    const back = await agent.get('/auth/redirect').query(result.params).expect(302);
    expect(back.headers.location).toBe('/subscriptions');
    expect((await agent.get('/subscriptions').expect(200)).text).toContain('<table');
  });

  it('a disabled user: an error panel, no sign-in loop; enabled again, sign-in works', async () => {
    const agent = await signedIn(DAVE);
    emu.disableUser(DAVE);
    const refused = await agent.get('/subscriptions');
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('role="alert"');
    expect(refused.text).toContain('user_access_denied');
    // Again: the same panel, and no redirect to a sign-in the emulator would refuse.
    expect((await agent.get('/subscriptions')).status).toBe(502);

    clock += 1000;
    emu.enableUser(DAVE);
    // The API dropped the revoked token at the first refusal: now Entra refuses the exchange
    // itself (AADSTS50173, no claims), and the web app sends dave to sign in again.
    const again = await agent.get('/subscriptions').expect(302);
    const authorize = new URL(again.headers.location);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${emu.authority}/oauth2/v2.0/authorize`,
    );
    expect(emu.counters().arm.caeChallenges).toBe(1);
    // Signing in again needs no consent to ARM (the web app never calls it).
    expect(authorize.searchParams.get('scope')).not.toContain('management.azure.com');
    expect(await completeSignIn(agent, authorize.toString(), DAVE)).toBe('/subscriptions');
    const page = await agent.get('/subscriptions').expect(200);
    expect(page.text).toContain('You have no Azure subscriptions');
  });

  it('a newer event after a step-up is answered with another sign-in, not an error', async () => {
    const agent = await signedIn(ALICE);
    emu.revokeUser(ALICE);
    await completeSignIn(agent, (await challenged(agent, ALICE)).toString(), ALICE);
    await agent.get('/subscriptions').expect(200);
    clock += 2000;
    emu.revokeUser(ALICE);
    await challenged(agent, ALICE);
  });

  it('a second challenge for the same request shows an error panel instead of looping', async () => {
    const agent = await signedIn(ALICE);
    clock += 10_000;
    emu.revokeUser(ALICE);
    await completeSignIn(agent, (await challenged(agent, ALICE)).toString(), ALICE);
    // The token endpoint's clock lags ARM's: every token it issues still predates the event.
    clock -= 5000;
    const res = await agent.get('/subscriptions');
    expect(res.status).toBe(403);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('insufficient_claims');
    expect(emu.counters().arm.caeChallenges).toBe(3);
  });
});

import type { RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  API_CLIENT_ID,
  signIn,
  startApiBundle,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
  WEB_CLIENT_ID,
  type ApiBundle,
} from './test/harness';

/** Three base64url runs separated by dots: what any JWT looks like. */
const JWT_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** `/journey`: the development-only token journey page, over the real API (`?journey=1`). */
describe('token journey page', () => {
  let emu: RunningEmulator;
  let api: ApiBundle;
  let apiWithoutJourney: ApiBundle;
  let web: WebApp;
  let disabled: WebApp;
  let againstPlainApi: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
    [api, apiWithoutJourney] = await Promise.all([
      startApiBundle(emu),
      startApiBundle(emu, { TOKEN_JOURNEY: 'false' }),
    ]);
    web = createApp(webConfigFor(emu, api.url), { logger: silentLogger });
    disabled = createApp(webConfigFor(emu, api.url, { TOKEN_JOURNEY: 'false' }), {
      logger: silentLogger,
    });
    againstPlainApi = createApp(webConfigFor(emu, apiWithoutJourney.url), {
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await Promise.all([web?.close(), disabled?.close(), againstPlainApi?.close()]);
    await Promise.all([api?.stop(), apiWithoutJourney?.stop()]);
    await emu?.stop();
  });

  const cells = (html: string, claim: string) => {
    const row = new RegExp(`<tr[^>]*><th scope="row"><code>${claim}</code>.*?</tr>`).exec(html);
    return [...(row?.[0] ?? '').matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]);
  };

  it('is linked from the home page and the nav, and answers 401 when signed out', async () => {
    const home = await request(web.app).get('/').expect(200);
    expect(home.text).toContain('href="/journey"');
    const page = await request(web.app).get('/journey').expect(401);
    expect(page.text).toContain('/login?returnTo=%2Fjourney');
  });

  it('shows the ID, API and OBO tokens side by side with what changed', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    emu.resetCounters();
    const res = await agent.get('/journey').expect(200);
    const html = res.text;
    expect(emu.counters().token.on_behalf_of).toBe(1);

    expect(html).toContain('data-hop="id"');
    expect(html).toContain('data-hop="api"');
    expect(html).toContain('data-hop="obo"');

    // aud: the web app, then the API, then ARM — as the emulator really issued them.
    expect(cells(html, 'aud')).toEqual([
      WEB_CLIENT_ID,
      API_CLIENT_ID,
      'https://management.azure.com/',
    ]);
    expect(cells(html, 'scp')).toEqual(['—', 'access_as_user', 'user_impersonation']);
    expect(cells(html, 'appid')).toEqual(['—', '—', API_CLIENT_ID]);
    expect(cells(html, 'azp')[1]).toBe(WEB_CLIENT_ID);
    // The same user at every hop.
    const oids = cells(html, 'oid');
    expect(oids).toHaveLength(3);
    expect(new Set(oids).size).toBe(1);
    expect(html).toContain('class="changed"');

    // Cache outcomes and timings of every hop.
    expect(html).toContain('miss (exchanged at the token endpoint)');
    expect(html).toMatch(/hit \(this session’s MSAL cache\)/);
    expect(html).toContain('ARM, 1 page');
    expect(html).toMatch(/alg RS256 · typ JWT · kid [\w-]+/);
    expect(html).toMatch(/What changed between the tokens/);

    // A second look: the OBO token now comes from the API's cache.
    const again = await agent.get('/journey').expect(200);
    expect(again.text).not.toContain('miss (exchanged at the token endpoint)');
    expect(emu.counters().token.on_behalf_of).toBe(1);
  });

  it('never renders a token, a signature or anything token-shaped', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const html = (await agent.get('/journey').expect(200)).text;
    expect(html).not.toMatch(JWT_SHAPED);
  });

  it('explains what is missing when the API reports no journey', async () => {
    const agent = request.agent(againstPlainApi.app);
    await signIn(agent, ALICE);
    const res = await agent.get('/journey').expect(502);
    expect(res.text).toContain('journey_unavailable');
  });

  it('does not exist when TOKEN_JOURNEY is off', async () => {
    const home = await request(disabled.app).get('/').expect(200);
    expect(home.text).not.toContain('/journey');
    await request(disabled.app).get('/journey').expect(404);
  });
});

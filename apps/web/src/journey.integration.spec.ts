import type { RunningEmulator } from '@obo/entra-emulator';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { silentLogger } from './test/config';
import {
  ALICE,
  API_CLIENT_ID,
  FAKE_JOURNEY,
  signIn,
  startFakeApi,
  startTestEmulator,
  trustEmulator,
  webConfigFor,
  WEB_CLIENT_ID,
  type FakeApi,
} from './test/harness';

/** Three base64url runs separated by dots: what any JWT looks like. */
const JWT_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** `/journey`: the development-only token journey page. */
describe('token journey page', () => {
  let emu: RunningEmulator;
  let fakeApi: FakeApi;
  let web: WebApp;
  let disabled: WebApp;

  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
    fakeApi = await startFakeApi();
    web = createApp(webConfigFor(emu, fakeApi.url), { logger: silentLogger });
    disabled = createApp(webConfigFor(emu, fakeApi.url, { TOKEN_JOURNEY: 'false' }), {
      logger: silentLogger,
    });
  });

  afterAll(async () => {
    await web?.close();
    await disabled?.close();
    await fakeApi?.close();
    await emu?.stop();
  });

  beforeEach(() => {
    fakeApi.calls.length = 0;
    fakeApi.journey = FAKE_JOURNEY;
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
    const res = await agent.get('/journey').expect(200);
    const html = res.text;

    expect(fakeApi.calls).toHaveLength(1);
    expect(html).toContain('data-hop="id"');
    expect(html).toContain('data-hop="api"');
    expect(html).toContain('data-hop="obo"');

    // aud: the web app, then the API, then ARM.
    expect(cells(html, 'aud')).toEqual([
      WEB_CLIENT_ID,
      API_CLIENT_ID,
      'https://management.azure.com/',
    ]);
    expect(cells(html, 'scp')).toEqual(['—', 'access_as_user', 'user_impersonation']);
    expect(cells(html, 'appid')).toEqual(['—', '—', API_CLIENT_ID]);
    expect(cells(html, 'azp')[1]).toBe(WEB_CLIENT_ID);
    expect(html).toContain('class="changed"');

    // Cache outcomes and timings of every hop.
    expect(html).toContain('miss (exchanged at the token endpoint)');
    expect(html).toMatch(/hit \(this session’s MSAL cache\)/);
    expect(html).toContain('ARM, 2 pages');
    expect(html).toContain('7.25 ms');
    expect(html).toContain('alg RS256 · typ JWT · kid fake-kid');
    expect(html).toMatch(/What changed between the tokens/);
  });

  it('never renders a token, a signature or anything token-shaped', async () => {
    const agent = request.agent(web.app);
    await signIn(agent, ALICE);
    const html = (await agent.get('/journey').expect(200)).text;
    const token = fakeApi.calls[0].token ?? '';
    expect(token.split('.')).toHaveLength(3);
    expect(html).not.toContain(token.split('.')[1]);
    expect(html).not.toContain(token.split('.')[2]);
    expect(html).not.toMatch(JWT_SHAPED);
    expect(html).toContain('(withheld: looks like a token)');
  });

  it('explains what is missing when the API reports no journey', async () => {
    fakeApi.journey = null;
    const agent = request.agent(web.app);
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

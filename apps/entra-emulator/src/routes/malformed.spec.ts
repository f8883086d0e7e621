import { createEmulatorApp } from '../app';
import type { RunningEmulator } from '../emulator';
import {
  call,
  graphToken,
  routesOf,
  startTestEmulator,
  TENANT,
  tokenPath,
  WEB,
} from '../../test/helpers';

/** Bad input of every kind gets an Entra-shaped error, never a 500, and the emulator keeps serving. */
describe('malformed and hostile requests', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  const expectEntraError = (body: Record<string, unknown>, code: number) => {
    expect(body).toMatchObject({ error_codes: [code] });
    expect(typeof body.error).toBe('string');
    expect(body.error_description).toMatch(
      new RegExp(
        `^AADSTS${code}: .* Trace ID: [0-9a-f-]+ Correlation ID: [0-9a-f-]+ Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
      ),
    );
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
    expect(body).toHaveProperty('timestamp');
  };

  it('a JSON body is a request without grant_type (AADSTS900144)', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      json: { grant_type: 'client_credentials' },
    });
    expect(res.status).toBe(400);
    expectEntraError(res.body, 900144);
  });

  it('a body over 64 KB gets 413 with an Entra error', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      form: { grant_type: 'password', padding: 'x'.repeat(70_000) },
    });
    expect(res.status).toBe(413);
    expectEntraError(res.body, 9002313);
  });

  it('a broken urlencoded body and duplicated parameters are malformed (AADSTS9002313)', async () => {
    const broken = await call(emu, 'POST', tokenPath(), {
      body: 'grant_type=%ZZ&&=',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(broken.status).toBe(400);
    const dup = await call(emu, 'POST', tokenPath(), {
      body: 'grant_type=password&grant_type=client_credentials',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(dup.status).toBe(400);
    expectEntraError(dup.body, 9002313);
  });

  it('wrong method, unknown tenant and unknown client are Entra errors', async () => {
    const get = await call(emu, 'GET', tokenPath());
    expectEntraError(get.body, 9002313);
    const tenant = await call(emu, 'POST', tokenPath('contoso.onmicrosoft.com'), {
      form: { grant_type: 'client_credentials' },
    });
    expect(tenant.status).toBe(400);
    expectEntraError(tenant.body, 90002);
    const client = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'client_credentials',
        client_id: 'who',
        client_secret: 's',
        scope: 'x/.default',
      },
    });
    expectEntraError(client.body, 700016);
    const keys = await call(emu, 'GET', '/nowhere/discovery/v2.0/keys');
    expectEntraError(keys.body, 90002);
  });

  it('garbage in every field never produces a 500', async () => {
    const forms: Record<string, string>[] = [
      {
        grant_type: 'authorization_code',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        code: '\u0000\u0001',
      },
      {
        grant_type: 'refresh_token',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        refresh_token: '',
      },
      {
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: 'x',
        password: 'y',
        scope: '%%%',
      },
      {
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username: 'x',
        password: 'y',
        claims: '{not json',
      },
      {
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'a.b.c',
      },
      { grant_type: 'client_credentials', client_assertion_type: 'wrong', client_assertion: 'x' },
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        assertion: 'e30.e30.e30',
        scope: 'x',
      },
    ];
    for (const form of forms) {
      const res = await call(emu, 'POST', tokenPath(), { form });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error_codes).toHaveLength(1);
    }
    const basic = await call(emu, 'POST', tokenPath(), {
      form: { grant_type: 'client_credentials' },
      headers: { Authorization: 'Basic !!!' },
    });
    expect(basic.status).toBeLessThan(500);
    const pages = await call(emu, 'POST', `/${TENANT}/oauth2/v2.0/authorize/login`, {
      form: { tx: 'nope', login: 'a', passwd: 'b' },
    });
    expect(pages.status).toBe(400);
    expect(pages.text).toContain('AADSTS50058');
    const controlJson = await call(emu, 'POST', '/_emulator/faults', {
      body: '{bad',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(controlJson.status).toBe(400);
  });

  it('a path parameter that is not valid percent-encoding is a 400 on every route that has one', async () => {
    const headers = { Authorization: `Bearer ${await graphToken(emu)}` };
    const { app } = createEmulatorApp();
    const cases = routesOf(app).flatMap(({ methods, pattern }) => {
      const params = pattern.match(/:\w+/g) ?? [];
      const method = methods[0] === '_all' ? 'GET' : methods[0].toUpperCase();
      // One request per parameter: that one broken (%ZZ), the others harmless.
      return params.map((broken) => ({
        method,
        path: pattern.replace(/:\w+/g, (p) => (p === broken ? '%ZZ' : 'x')),
      }));
    });
    expect(cases.length).toBeGreaterThan(30);
    const answers = await Promise.all(
      cases.map(async (c) => ({
        ...c,
        status: (await call(emu, c.method, c.path, { headers })).status,
      })),
    );
    expect(answers.filter((a) => a.status !== 400)).toEqual([]);
  });

  it('is still serving afterwards', async () => {
    const res = await call(emu, 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
  });
});

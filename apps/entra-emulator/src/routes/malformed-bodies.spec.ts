import { gzipSync } from 'node:zlib';
import { createEmulatorApp } from '../app';
import { MAX_JSON_DEPTH } from '../body';
import type { RunningEmulator } from '../emulator';
import {
  ALICE,
  call,
  graphToken,
  PASSWORD,
  routesOf,
  startTestEmulator,
  TENANT,
  tokenPath,
  WEB,
  type CallResult,
} from '../../test/helpers';

/** How an endpoint answers: its own error shape. */
type Shape = 'entra' | 'customer' | 'page' | 'graph' | 'control';

interface BodyEndpoint {
  /** The route pattern as registered (`routesOf`), so a new endpoint without a row fails. */
  pattern: string;
  method: 'POST' | 'PATCH' | 'DELETE' | 'GET';
  path: string;
  body: 'form' | 'json';
  shape: Shape;
}

const B2C = 'obodevb2c.onmicrosoft.com/B2C_1_susi';
const CIAM = 'obodevciam.onmicrosoft.com';
const APP_ID = '00000000-0000-4000-8000-000000000000';

/** Every endpoint that reads a request body, with a concrete URL per tenant kind. */
const ENDPOINTS: BodyEndpoint[] = [
  {
    pattern: '/:tenant/oauth2/v2.0/token',
    method: 'POST',
    path: tokenPath(),
    body: 'form',
    shape: 'entra',
  },
  {
    pattern: '/:tenant/oauth2/v2.0/token',
    method: 'POST',
    path: `/${CIAM}/oauth2/v2.0/token`,
    body: 'form',
    shape: 'customer',
  },
  {
    pattern: '/:tenant/:policy/oauth2/v2.0/token',
    method: 'POST',
    path: `/${B2C}/oauth2/v2.0/token`,
    body: 'form',
    shape: 'customer',
  },
  {
    pattern: '/:tenant/oauth2/token',
    method: 'POST',
    path: `/${TENANT}/oauth2/token`,
    body: 'form',
    shape: 'entra',
  },
  {
    pattern: '/:tenant/oauth2/token',
    method: 'POST',
    path: `/${CIAM}/oauth2/token`,
    body: 'form',
    shape: 'customer',
  },
  ...['login', 'select', 'mfa', 'consent'].map((step): BodyEndpoint => ({
    pattern: `/:tenant/oauth2/v2.0/authorize/${step}`,
    method: 'POST',
    path: `/${TENANT}/oauth2/v2.0/authorize/${step}`,
    body: 'form',
    shape: 'page',
  })),
  {
    pattern: '/:tenant/oauth2/v2.0/authorize/:action',
    method: 'POST',
    path: `/${CIAM}/oauth2/v2.0/authorize/login`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/:policy/oauth2/v2.0/authorize/:action',
    method: 'POST',
    path: `/${B2C}/oauth2/v2.0/authorize/signup`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/oauth2/v2.0/logout',
    method: 'POST',
    path: `/${TENANT}/oauth2/v2.0/logout`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/oauth2/logout',
    method: 'POST',
    path: `/${TENANT}/oauth2/logout`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/oauth2/v2.0/logout',
    method: 'POST',
    path: `/${CIAM}/oauth2/v2.0/logout`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/oauth2/logout',
    method: 'GET',
    path: `/${CIAM}/oauth2/logout`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/:tenant/:policy/oauth2/v2.0/logout',
    method: 'POST',
    path: `/${B2C}/oauth2/v2.0/logout`,
    body: 'form',
    shape: 'page',
  },
  {
    pattern: '/graph/v1.0/applications',
    method: 'POST',
    path: '/graph/v1.0/applications',
    body: 'json',
    shape: 'graph',
  },
  {
    pattern: '/graph/v1.0/applications/:id',
    method: 'PATCH',
    path: `/graph/v1.0/applications/${APP_ID}`,
    body: 'json',
    shape: 'graph',
  },
  {
    pattern: '/graph/v1.0/applications/:id/addPassword',
    method: 'POST',
    path: `/graph/v1.0/applications/${APP_ID}/addPassword`,
    body: 'json',
    shape: 'graph',
  },
  {
    pattern: '/graph/v1.0/applications/:id/owners/$ref',
    method: 'POST',
    path: `/graph/v1.0/applications/${APP_ID}/owners/$ref`,
    body: 'json',
    shape: 'graph',
  },
  {
    pattern: '/graph/v1.0/applications/:id/owners/:ownerId/$ref',
    method: 'DELETE',
    path: `/graph/v1.0/applications/${APP_ID}/owners/${APP_ID}/$ref`,
    body: 'json',
    shape: 'graph',
  },
  {
    pattern: '/graph/v1.0/servicePrincipals',
    method: 'POST',
    path: '/graph/v1.0/servicePrincipals',
    body: 'json',
    shape: 'graph',
  },
  ...[
    ['POST', '/counters/reset'],
    ['POST', '/faults'],
    ['DELETE', '/faults'],
    ['POST', '/keys/rotate'],
    ['POST', '/tokens'],
    ['POST', '/users/:user/revoke'],
    ['POST', '/users/:user/disable'],
    ['POST', '/users/:user/enable'],
    ['POST', '/users/:user/password'],
    ['POST', '/reset'],
  ].map(([method, route]): BodyEndpoint => ({
    pattern: `/_emulator${route}`,
    method: method as 'POST',
    path: `/_emulator${route.replace(':user', ALICE)}`,
    body: 'json',
    shape: 'control',
  })),
];

const label = (e: BodyEndpoint) => `${e.method} ${e.path}`;
const deepJson = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/**
 * Bodies that are not what their headers say — compressed in name only, in an unsupported
 * encoding, nested thousands deep — get the endpoint's own 4xx error on every endpoint that
 * reads a body, never a 500, and change nothing.
 */
describe('malformed bodies on every endpoint that reads one', () => {
  let emu: RunningEmulator;
  let token = '';
  beforeAll(async () => {
    emu = await startTestEmulator();
    token = await graphToken(emu);
  });
  afterAll(() => emu.stop());

  const send = (e: BodyEndpoint, body: string | Buffer, headers: Record<string, string>) =>
    call(emu, e.method, e.path, {
      body,
      headers: {
        'Content-Type':
          e.body === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
        ...(e.shape === 'graph' ? { Authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    });

  /** The endpoint's own error shape, and the malformed-request code where the shape has one. */
  const expectShape = (e: BodyEndpoint, res: CallResult) => {
    switch (e.shape) {
      case 'entra':
        expect(res.body).toMatchObject({ error: 'invalid_request', error_codes: [9002313] });
        expect(res.body.error_description).toMatch(/^AADSTS9002313: .* Trace ID: /);
        break;
      case 'customer':
        expect(res.body).toMatchObject({ error: 'invalid_request' });
        expect(res.body.error_description).toMatch(/^AADSTS9002313: /);
        break;
      case 'page':
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toContain('AADSTS9002313');
        break;
      case 'graph':
        expect(res.body.error).toMatchObject({
          code: expect.any(String),
          message: expect.any(String),
        });
        expect(res.body.error.innerError['request-id']).toBeDefined();
        break;
      case 'control':
        expect(res.body).toEqual({
          error: 'invalid_request',
          error_description: expect.any(String),
        });
        break;
    }
  };

  it('covers every route that reads a body (add a row for a new endpoint)', () => {
    const { app } = createEmulatorApp();
    const covered = new Set(ENDPOINTS.map((e) => e.pattern));
    const readsBody = routesOf(app).filter((r) =>
      r.methods.some((m) => ['post', 'put', 'patch', 'delete', '_all'].includes(m)),
    );
    expect(readsBody.length).toBeGreaterThan(20);
    expect(readsBody.map((r) => r.pattern).filter((p) => !covered.has(p))).toEqual([]);
  });

  const compressedInNameOnly: [string, string | Buffer][] = [
    ['gzip', 'grant_type=password'],
    ['deflate', 'grant_type=password'],
    ['br', 'grant_type=password'],
    ['gzip', gzipSync('grant_type=password&scope=x').subarray(0, 12)], // truncated
  ];
  it.each(ENDPOINTS.map((e) => [label(e), e] as const))(
    '%s: a body that does not match its Content-Encoding is a 400',
    async (_name, e) => {
      for (const [encoding, body] of compressedInNameOnly) {
        const res = await send(e, body, { 'Content-Encoding': encoding });
        expect({ encoding, status: res.status }).toEqual({ encoding, status: 400 });
        expectShape(e, res);
      }
    },
  );

  it.each(ENDPOINTS.map((e) => [label(e), e] as const))(
    '%s: an unsupported Content-Encoding is a 415',
    async (_name, e) => {
      const res = await send(e, 'x', { 'Content-Encoding': 'compress' });
      expect(res.status).toBe(415);
      expectShape(e, res);
    },
  );

  it.each(ENDPOINTS.map((e) => [label(e), e] as const))(
    '%s: 5,000 levels of nesting are refused with a 4xx, never a 500',
    async (_name, e) => {
      const json = await send(e, deepJson(5000), { 'Content-Type': 'application/json' });
      expect(json.status).toBeLessThan(500);
      if (e.body === 'json') {
        expect(json.status).toBe(400);
        expectShape(e, json);
      }
      // A form parameter named like 5,000 nested brackets is just a long, unknown name.
      const form = await send(e, `a${'['.repeat(5000)}=1`, {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect(form.status).toBeLessThan(500);
    },
  );

  it(`accepts JSON nested ${MAX_JSON_DEPTH} levels and refuses one more (control plane)`, async () => {
    const at = (depth: number) =>
      call(emu, 'POST', '/_emulator/tokens', {
        body: `{"claims":{"x":${deepJson(depth - 2)}}}`,
        headers: { 'Content-Type': 'application/json' },
      });
    expect((await at(MAX_JSON_DEPTH)).status).toBe(200);
    expect((await at(MAX_JSON_DEPTH + 1)).status).toBe(400);
  });

  it('a body that really is compressed is read (token endpoint, gzip)', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      username: ALICE,
      password: PASSWORD,
      scope: 'openid',
    }).toString();
    const res = await call(emu, 'POST', tokenPath(), {
      body: gzipSync(form),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toEqual(expect.any(String));
  });

  it('a refused body changes nothing: no reset, no new app', async () => {
    const before = emu.counters().token.total;
    const apps = () =>
      call(emu, 'GET', '/graph/v1.0/applications', {
        headers: { Authorization: `Bearer ${token}` },
      }).then((r) => r.body.value.length as number);
    const appsBefore = await apps();
    const reset = ENDPOINTS.filter((e) =>
      ['/_emulator/reset', '/_emulator/counters/reset'].includes(e.pattern),
    );
    const create = ENDPOINTS.filter((e) => e.pattern === '/graph/v1.0/applications');
    for (const e of [...reset, ...create]) {
      expect((await send(e, '{"displayName":"x"}', { 'Content-Encoding': 'gzip' })).status).toBe(
        400,
      );
      expect((await send(e, deepJson(5000), {})).status).toBe(400);
    }
    expect(emu.counters().token.total).toBe(before);
    expect(before).toBeGreaterThan(0);
    expect(await apps()).toBe(appsBefore);
    const discovery = await call(emu, 'GET', `/${TENANT}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
  });
});

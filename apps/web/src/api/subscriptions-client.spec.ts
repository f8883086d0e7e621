import {
  closedPortUrl,
  closeTestServers,
  closeWithServers,
  sendJson,
  startTestServer,
  throwawayTls,
  type ThrowawayTls,
} from '@obo/testing';
import { ApiClient, type ApiClientOptions } from './subscriptions-client';

const CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const ROW = { displayName: 'Dev', subscriptionId: 's1', state: 'Enabled', tenantId: 't1' };

const apiClient = (baseUrl: string, options: Partial<ApiClientOptions> = {}) =>
  closeWithServers(new ApiClient({ baseUrl, ...options }));

afterEach(closeTestServers);

describe('ApiClient', () => {
  it('sends the token and correlation id and maps the rows (and journey when asked)', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { value: [{ ...ROW, id: '/subscriptions/s1' }], journey: { obo: 1 } }),
    );
    const client = apiClient(server.url);
    expect(await client.listSubscriptions('api-token', 'corr-1')).toEqual({
      kind: 'ok',
      subscriptions: [ROW],
    });
    expect(await client.listSubscriptions('api-token', 'corr-1', { journey: true })).toEqual({
      kind: 'ok',
      subscriptions: [ROW],
      journey: { obo: 1 },
    });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/api/subscriptions',
      '/api/subscriptions?journey=1',
    ]);
    expect(server.requests[0].headers).toMatchObject({
      authorization: 'Bearer api-token',
      'x-correlation-id': 'corr-1',
      accept: 'application/json',
    });
  });

  it('maps a 401 claims challenge and a 403 consent_required to challenges', async () => {
    const encoded = Buffer.from(CLAIMS).toString('base64');
    const server = await startTestServer((_req, res, i) =>
      i === 0
        ? sendJson(
            res,
            401,
            { error: 'insufficient_claims' },
            {
              'www-authenticate': `Bearer realm="api", error="insufficient_claims", claims="${encoded}"`,
            },
          )
        : sendJson(res, 403, {
            error: 'consent_required',
            scopes: ['https://x/user_impersonation'],
          }),
    );
    const client = apiClient(server.url);
    expect(await client.listSubscriptions('t', 'c')).toEqual({
      kind: 'challenge',
      challenge: { kind: 'claims', claims: CLAIMS },
    });
    expect(await client.listSubscriptions('t', 'c')).toMatchObject({
      kind: 'challenge',
      challenge: { kind: 'consent', scopes: ['https://x/user_impersonation'] },
    });
  });

  it('shows the API’s own error once, without retrying or waiting', async () => {
    const server = await startTestServer((_req, res, i) =>
      i === 0
        ? sendJson(
            res,
            503,
            { error: 'temporarily_unavailable', error_description: 'Later.' },
            {
              'retry-after': '0',
            },
          )
        : sendJson(res, 429, { error: 'arm_throttled' }, { 'retry-after': '0' }),
    );
    const client = apiClient(server.url);
    expect(await client.listSubscriptions('t', 'c')).toEqual({
      kind: 'error',
      status: 503,
      code: 'temporarily_unavailable',
      message: 'Later.',
    });
    expect(await client.listSubscriptions('t', 'c')).toMatchObject({
      kind: 'error',
      status: 429,
      code: 'arm_throttled',
    });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['a body that is not JSON', (res: Parameters<typeof sendJson>[0]) => res.end('<html>')],
    ['JSON without value', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, {})],
  ])('answers bad_response for %s', async (_name, respond) => {
    const server = await startTestServer((_req, res) => respond(res));
    expect(await apiClient(server.url).listSubscriptions('t', 'c')).toMatchObject({
      kind: 'error',
      status: 200,
      code: 'bad_response',
    });
  });

  it('retries a reset keep-alive socket once', async () => {
    const server = await startTestServer((req, res, i) =>
      i === 0 ? req.socket.destroy() : sendJson(res, 200, { value: [] }),
    );
    expect(await apiClient(server.url).listSubscriptions('t', 'c')).toEqual({
      kind: 'ok',
      subscriptions: [],
    });
    expect(server.requests).toHaveLength(2);
  });

  it('answers api_unreachable and api_timeout when the API does not answer', async () => {
    expect(await apiClient(await closedPortUrl()).listSubscriptions('t', 'c')).toMatchObject({
      kind: 'error',
      code: 'api_unreachable',
    });
    const silent = await startTestServer(() => undefined);
    expect(
      await apiClient(silent.url, { timeoutMs: 100 }).listSubscriptions('t', 'c'),
    ).toMatchObject({ kind: 'error', code: 'api_timeout' });
  });

  describe('an https API with EXTRA_CA_CERTS set', () => {
    let publicCa: ThrowawayTls, extraCa: ThrowawayTls;
    beforeAll(() => ([publicCa, extraCa] = [throwawayTls(), throwawayTls()]));

    it('still reaches an API whose certificate comes from a root CA (the extra CA is added, not substituted)', async () => {
      const server = await startTestServer(
        (_req, res) => sendJson(res, 200, { value: [] }),
        publicCa,
      );
      const client = apiClient(server.url, { ca: extraCa.ca, systemRoots: [publicCa.ca] });
      expect(await client.listSubscriptions('t', 'c')).toMatchObject({ kind: 'ok' });
    });

    it('reaches an API whose certificate comes from the extra CA', async () => {
      const server = await startTestServer(
        (_req, res) => sendJson(res, 200, { value: [] }),
        extraCa,
      );
      expect(
        await apiClient(server.url, { ca: extraCa.ca }).listSubscriptions('t', 'c'),
      ).toMatchObject({ kind: 'ok' });
      expect(await apiClient(server.url).listSubscriptions('t', 'c')).toMatchObject({
        kind: 'error',
        code: 'api_unreachable',
      });
    });
  });
});

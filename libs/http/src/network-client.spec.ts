import {
  closeTestServers,
  closeWithServers,
  rejectionOf,
  sendJson,
  startTestServer,
  throwawayTls,
  type ThrowawayTls,
} from '@obo/testing';
import { NetworkClient, type NetworkClientOptions } from './network-client';

const networkClient = (options: NetworkClientOptions = {}) =>
  closeWithServers(new NetworkClient(options));

afterEach(closeTestServers);

describe('NetworkClient (MSAL network module)', () => {
  it('GETs JSON with MSAL’s headers and returns status, flat headers and body', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { issuer: 'x' }, { 'x-ms-request-id': 'r1' }),
    );
    const response = await networkClient().sendGetRequestAsync<{ issuer: string }>(
      `${server.url}/.well-known/openid-configuration`,
      { headers: { 'x-client-sku': 'msal.js.node' } },
    );
    expect(response).toMatchObject({
      status: 200,
      body: { issuer: 'x' },
      headers: expect.objectContaining({ 'x-ms-request-id': 'r1' }),
    });
    expect(server.requests[0].headers['x-client-sku']).toBe('msal.js.node');
  });

  it('POSTs the form body with its length', async () => {
    let received = '';
    const server = await startTestServer((req, res) => {
      req.on('data', (c: Buffer) => (received += c));
      req.on('end', () => sendJson(res, 400, { error: 'invalid_grant' }));
    });
    const body = 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&x=1';
    const response = await networkClient().sendPostRequestAsync(`${server.url}/token`, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(received).toBe(body);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      headers: expect.objectContaining({ 'content-length': String(body.length) }),
    });
  });

  it.each([
    ['an HTML error page', '<html>Bad gateway</html>'],
    ['an empty body', ''],
    ['truncated JSON', '{"error":'],
  ])('answers %s as an empty object with its status, as MSAL expects', async (_name, text) => {
    const server = await startTestServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(text);
    });
    const response = await networkClient().sendGetRequestAsync(server.url);
    expect(response).toMatchObject({ status: 502, body: {} });
  });

  it('gives up after its timeout, or the one MSAL passes for a GET (else Jest’s 5 s would)', async () => {
    const server = await startTestServer(() => undefined);
    expect(
      (await rejectionOf(networkClient({ timeoutMs: 100 }).sendPostRequestAsync(server.url))).code,
    ).toBe('ETIMEDOUT');
    expect(
      (
        await rejectionOf(
          networkClient({ timeoutMs: 60_000 }).sendGetRequestAsync(server.url, {}, 100),
        )
      ).code,
    ).toBe('ETIMEDOUT');
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, 200, { keys: 'x'.repeat(2_000) }),
    );
    const client = networkClient({ maxResponseBytes: 1_000 });
    expect((await rejectionOf(client.sendGetRequestAsync(server.url))).code).toBe(
      'ERR_RESPONSE_TOO_LARGE',
    );
    expect((await networkClient().sendGetRequestAsync(server.url)).status).toBe(200);
  });

  describe('extra CA', () => {
    let publicCa: ThrowawayTls, extraCa: ThrowawayTls;
    beforeAll(() => ([publicCa, extraCa] = [throwawayTls(), throwawayTls()]));

    it('trusts a server of the extra CA', async () => {
      const server = await startTestServer((_req, res) => sendJson(res, 200, {}), extraCa);
      expect((await networkClient({ ca: extraCa.ca }).sendGetRequestAsync(server.url)).status).toBe(
        200,
      );
      expect((await rejectionOf(networkClient().sendGetRequestAsync(server.url))).code).toBe(
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      );
    });

    it('keeps trusting the system roots when given an extra CA', async () => {
      const server = await startTestServer((_req, res) => sendJson(res, 200, {}), publicCa);
      const client = networkClient({ ca: extraCa.ca, systemRoots: [publicCa.ca] });
      expect((await client.sendGetRequestAsync(server.url)).status).toBe(200);
    });
  });
});

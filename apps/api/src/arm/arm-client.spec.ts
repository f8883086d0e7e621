import {
  closedPortUrl,
  closeTestServers,
  closeWithServers,
  rejectionOf,
  sendJson,
  startTestServer,
  throwawayTls,
  type TestServer,
  type ThrowawayTls,
} from '@obo/testing';
import { ServiceError } from '@obo/errors';
import { ArmClaimsChallenge, ArmClient, type ArmClientOptions } from './arm-client';

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
const sub = (id: string) => ({ id: `/subscriptions/${id}`, subscriptionId: id, state: 'Enabled' });

let tls: ThrowawayTls;
let sleeps: number[];

beforeAll(() => {
  tls = throwawayTls();
});
beforeEach(() => {
  sleeps = [];
});
afterEach(closeTestServers);

/** ARM on https with a certificate from a CA only the client's `ca` option makes trusted. */
function arm(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  return startTestServer(handler, tls);
}

function armClient(endpoint: string, options: Partial<ArmClientOptions> = {}): ArmClient {
  const client = new ArmClient({
    endpoint: `${endpoint}/arm/`,
    ca: tls.ca,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return closeWithServers(client);
}

async function answer(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await rejectionOf<ServiceError>(promise);
  expect(error).toBeInstanceOf(ServiceError);
  return error;
}

describe('ArmClient', () => {
  it('lists every page with the token and correlation id, trusting the extra CA', async () => {
    const server = await arm((req, res) => {
      const page = req.url?.includes('page=2') ? 2 : 1;
      sendJson(res, 200, {
        value: [sub(`s${page}`)],
        ...(page === 1 && {
          nextLink: `${server.url}/arm/subscriptions?api-version=2022-12-01&page=2`,
        }),
      });
    });
    const statuses: number[] = [];
    const stats = { pages: 0 };
    const client = armClient(server.url, { onResponse: (status) => statuses.push(status) });
    const value = await client.listSubscriptions('arm-token', 'corr-9', stats);
    expect(value).toEqual([sub('s1'), sub('s2')]);
    expect(stats.pages).toBe(2);
    expect(statuses).toEqual([200, 200]);
    expect(server.requests[0]).toMatchObject({
      url: '/arm/subscriptions?api-version=2022-12-01',
      headers: expect.objectContaining({
        authorization: 'Bearer arm-token',
        'x-ms-correlation-request-id': 'corr-9',
        accept: 'application/json',
      }),
    });
  });

  it('hands the route a claims challenge to redo OBO with', async () => {
    const encoded = Buffer.from(CLAIMS).toString('base64');
    const challenge = `Bearer error="insufficient_claims", claims="${encoded}"`;
    const server = await arm((_req, res) =>
      sendJson(res, 401, {}, { 'www-authenticate': challenge }),
    );
    const error = await rejectionOf(armClient(server.url).listSubscriptions('t', 'c'));
    expect(error).toBeInstanceOf(ArmClaimsChallenge);
    expect((error as ArmClaimsChallenge).claims).toBe(CLAIMS);
  });

  it.each([
    [
      'a 401 without claims',
      (res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, 401, { error: { code: 'ExpiredAuthenticationToken' } }),
      { status: 502, code: 'arm_unauthorized' },
    ],
    [
      'a 403',
      (res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, 403, { error: { code: 'AuthorizationFailed' } }),
      { status: 403, code: 'arm_forbidden', details: { armError: 'AuthorizationFailed' } },
    ],
    [
      'a persistent 5xx',
      (res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, 500, { error: { code: 'InternalServerError' } }),
      {
        status: 502,
        code: 'arm_error',
        expose: true,
        details: { armError: 'InternalServerError' },
      },
    ],
    [
      'another 4xx',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 404, { error: { code: 'NotFound' } }),
      { status: 502, code: 'arm_error', details: { armError: 'NotFound' }, expose: true },
    ],
    [
      'a long Retry-After',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 429, {}, { 'retry-after': '120' }),
      { status: 429, code: 'arm_throttled', headers: { 'retry-after': '120' } },
    ],
    [
      'a 429 without Retry-After',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 429, {}),
      { status: 429, code: 'arm_throttled', headers: { 'retry-after': '10' } },
    ],
    [
      'a body without value',
      (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { subscriptions: [] }),
      { status: 502, code: 'arm_bad_response' },
    ],
    [
      'a nextLink to another host',
      (res: Parameters<typeof sendJson>[0]) =>
        sendJson(res, 200, { value: [], nextLink: 'https://attacker.example/subscriptions' }),
      { status: 502, code: 'arm_bad_response' },
    ],
  ])('answers %s as the API always did', async (_name, respond, expected) => {
    const server = await arm((_req, res) => respond(res));
    const error = await answer(armClient(server.url).listSubscriptions('t', 'c'));
    expect(error).toMatchObject(expected);
  });

  it('retries a 5xx with backoff before giving up', async () => {
    const server = await arm((_req, res, i) =>
      i < 2 ? sendJson(res, 503, {}) : sendJson(res, 200, { value: [sub('s1')] }),
    );
    expect(await armClient(server.url).listSubscriptions('t', 'c')).toEqual([sub('s1')]);
    expect(sleeps).toHaveLength(2);
  });

  it('waits out a short Retry-After once', async () => {
    const server = await arm((_req, res, i) =>
      i === 0 ? sendJson(res, 429, {}, { 'retry-after': '1' }) : sendJson(res, 200, { value: [] }),
    );
    expect(await armClient(server.url).listSubscriptions('t', 'c')).toEqual([]);
    expect(sleeps).toEqual([1000]);
  });

  it('stops after maxPages', async () => {
    const server = await arm((_req, res) =>
      sendJson(res, 200, { value: [1], nextLink: `${server.url}/arm/subscriptions?more` }),
    );
    const error = await answer(armClient(server.url, { maxPages: 2 }).listSubscriptions('t', 'c'));
    expect(error).toMatchObject({ status: 502, code: 'arm_too_many_pages' });
  });

  it('answers 504 arm_timeout when ARM does not answer in time', async () => {
    const server = await arm(() => undefined);
    const client = armClient(server.url, { timeoutMs: 100, maxRetries: 1 });
    expect(await answer(client.listSubscriptions('t', 'c'))).toMatchObject({
      status: 504,
      code: 'arm_timeout',
    });
  });

  it('answers 502 arm_unavailable when ARM cannot be reached or not trusted', async () => {
    const down = armClient(await closedPortUrl(), { maxRetries: 0 });
    expect(await answer(down.listSubscriptions('t', 'c'))).toMatchObject({
      status: 502,
      code: 'arm_unavailable',
    });
    const server = await arm((_req, res) => sendJson(res, 200, { value: [] }));
    const untrusting = armClient(server.url, { ca: undefined, maxRetries: 0 });
    expect(await answer(untrusting.listSubscriptions('t', 'c'))).toMatchObject({
      status: 502,
      code: 'arm_unavailable',
    });
  });
});

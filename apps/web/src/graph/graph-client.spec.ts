import {
  closedPortUrl,
  closeTestServers,
  closeWithServers,
  sendJson,
  startTestServer,
} from '@obo/testing';
import { GraphClient, type GraphClientOptions } from './graph-client';

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
const ME = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
  businessPhones: ['+1 425 555 0101', '+1 425 555 0109'],
  displayName: 'Alice Adams',
  givenName: 'Alice',
  jobTitle: null,
  mail: 'alice@contoso.com',
  mobilePhone: null,
  officeLocation: '',
  preferredLanguage: 'en-US',
  surname: 'Adams',
  userPrincipalName: 'alice@contoso.com',
  id: '0b0e0000-0000-4000-8000-000000001001',
};

const graphClient = (endpoint: string, options: Partial<GraphClientOptions> = {}) =>
  closeWithServers(new GraphClient({ endpoint, ...options }));

afterEach(closeTestServers);

describe('GraphClient', () => {
  it('GETs /v1.0/me under the endpoint with the token and client-request-id; rows of what is set', async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, ME));
    const result = await graphClient(`${server.url}/graph`).me('graph-token', 'corr-1');
    expect(server.requests.map((r) => r.url)).toEqual(['/graph/v1.0/me']);
    expect(server.requests[0].headers).toMatchObject({
      authorization: 'Bearer graph-token',
      'client-request-id': 'corr-1',
      accept: 'application/json',
    });
    // null and empty properties are left out; phones are joined; the order is the table's.
    expect(result).toEqual({
      kind: 'ok',
      profile: [
        { property: 'displayName', label: 'Display name', value: 'Alice Adams' },
        { property: 'userPrincipalName', label: 'User principal name', value: 'alice@contoso.com' },
        { property: 'mail', label: 'Mail', value: 'alice@contoso.com' },
        {
          property: 'businessPhones',
          label: 'Business phones',
          value: '+1 425 555 0101, +1 425 555 0109',
        },
        { property: 'preferredLanguage', label: 'Preferred language', value: 'en-US' },
        { property: 'id', label: 'Object ID', value: ME.id },
      ],
    });
  });

  it('maps Graph’s 401 claims challenge (Continuous Access Evaluation) to a challenge', async () => {
    const encoded = Buffer.from(CLAIMS).toString('base64');
    const server = await startTestServer((_req, res) =>
      sendJson(
        res,
        401,
        { error: { code: 'InvalidAuthenticationToken', message: 'CAE' } },
        {
          'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${encoded}"`,
        },
      ),
    );
    expect(await graphClient(server.url).me('t', 'c')).toEqual({
      kind: 'challenge',
      challenge: { kind: 'claims', claims: CLAIMS },
    });
  });

  it.each([
    [401, 'InvalidAuthenticationToken', 'Access token has expired.'],
    [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
    [500, 'generalException', 'An unexpected error occurred.'],
  ])('shows Graph’s own %i error once (%s)', async (status, code, message) => {
    const server = await startTestServer((_req, res) =>
      sendJson(res, status, { error: { code, message, innerError: {} } }),
    );
    expect(await graphClient(server.url).me('t', 'c')).toEqual({
      kind: 'error',
      status,
      code,
      message,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('says how long Graph asks to wait when it throttles (429), without waiting', async () => {
    const server = await startTestServer((_req, res) =>
      sendJson(
        res,
        429,
        { error: { code: 'TooManyRequests', message: 'Please retry again later.' } },
        { 'retry-after': '3' },
      ),
    );
    const result = await graphClient(server.url).me('t', 'c');
    expect(result).toMatchObject({ kind: 'error', status: 429, code: 'TooManyRequests' });
    expect(result.kind === 'error' && result.message).toContain('3 s');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', (res: Parameters<typeof sendJson>[0]) => res.end('<html>')],
    ['JSON that is not a user', (res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, {})],
  ])('answers bad_response for %s', async (_name, respond) => {
    const server = await startTestServer((_req, res) => respond(res));
    expect(await graphClient(server.url).me('t', 'c')).toMatchObject({
      kind: 'error',
      status: 200,
      code: 'bad_response',
    });
  });

  it('answers graph_unreachable and graph_timeout when Graph does not answer', async () => {
    expect(await graphClient(await closedPortUrl()).me('t', 'c')).toMatchObject({
      kind: 'error',
      code: 'graph_unreachable',
    });
    const silent = await startTestServer(() => undefined);
    expect(await graphClient(silent.url, { timeoutMs: 100 }).me('t', 'c')).toMatchObject({
      kind: 'error',
      code: 'graph_timeout',
    });
  });
});

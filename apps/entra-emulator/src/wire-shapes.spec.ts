import type { RunningEmulator } from './emulator';
import {
  B2C_TENANT,
  B2C_WEB,
  call,
  CIAM_TENANT,
  startTestEmulator,
  TENANT,
  tokenPath,
  WEB,
  type CallResult,
} from '../test/helpers';

/**
 * Every error shape the emulator writes, byte for byte: clients nobody here wrote (MSAL Node,
 * MSAL Python, the Azure SDK and CLI) parse these bodies. Ids are random and the port is free,
 * so both are masked; the clock is frozen, so timestamps are exact.
 */
describe('wire shapes of errors', () => {
  const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);
  const CORRELATION = '11111111-2222-4333-8444-555555555555';
  const B2C = `/${B2C_TENANT}/B2C_1_susi`;
  const CIAM = `/${CIAM_TENANT}`;
  const REDIRECT = encodeURIComponent('http://localhost:3000/auth/redirect');
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startTestEmulator({ now: () => NOW });
  });
  afterAll(() => emu.stop());

  const mask = (text: unknown) =>
    String(text)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
      .replace(/localhost(:|%3A)\d+/g, 'localhost$1<port>');
  /** What a page says inside `<main>`, after the tenant banner. */
  const pageMain = (res: CallResult) =>
    mask(/<main>\n<div>[^\n]*<\/div>\n([\s\S]*)\n<p class="banner">/.exec(res.text)?.[1]);
  const entraTail =
    'Trace ID: <id> Correlation ID: <id> Timestamp: 2026-01-02 03:04:05Z","error_codes":';
  const b2cTail = '\\r\\nCorrelation ID: <id>\\r\\nTimestamp: 2026-01-02 03:04:05Z"}';

  it('Entra token endpoint: the AADSTS body, the caller’s correlation id echoed, no-store', async () => {
    const res = await call(emu, 'POST', tokenPath(), {
      form: { grant_type: 'client_credentials', client_id: 'nope', client_secret: 's' },
      headers: { 'client-request-id': CORRELATION },
    });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.correlation_id).toBe(CORRELATION);
    expect(mask(res.text)).toBe(
      `{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'nope' was not found in the directory '<id>'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. ${entraTail}[700016],"timestamp":"2026-01-02 03:04:05Z","trace_id":"<id>","correlation_id":"<id>","error_uri":"https://localhost:<port>/error?code=700016"}`,
    );
  });

  it('Entra token endpoint: claims and Retry-After where the error has them', async () => {
    emu.faults.add({ endpoint: 'token', aadsts: 50076, status: 400, count: 1 });
    const mfa = await call(emu, 'POST', tokenPath(), { form: { grant_type: 'password' } });
    expect(mask(mfa.text)).toBe(
      `{"error":"interaction_required","error_description":"AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource. (injected fault) ${entraTail}[50076],"timestamp":"2026-01-02 03:04:05Z","trace_id":"<id>","correlation_id":"<id>","error_uri":"https://localhost:<port>/error?code=50076","claims":"{\\"access_token\\":{\\"capolids\\":{\\"essential\\":true,\\"values\\":[\\"<id>\\"]}}}"}`,
    );
    emu.faults.add({ endpoint: 'token', status: 429, count: 1 });
    const throttled = await call(emu, 'POST', tokenPath(), { form: { grant_type: 'password' } });
    expect([throttled.status, throttled.headers['retry-after']]).toEqual([429, '1']);
  });

  it('Entra authorize: a redirect to the client, or the error page when it cannot be trusted', async () => {
    const redirect = await call(
      emu,
      'GET',
      `/${TENANT}/oauth2/v2.0/authorize?client_id=${WEB.clientId}&redirect_uri=${REDIRECT}&response_type=token&scope=openid&state=s1`,
    );
    expect(redirect.status).toBe(302);
    expect(mask(redirect.headers.location)).toBe(
      'http://localhost:<port>/auth/redirect?error=unsupported_response_type&error_description=AADSTS700054%3A+response_type+%27token%27+is+not+supported%3B+use+%27code%27.+Trace+ID%3A+<id>+Correlation+ID%3A+<id>+Timestamp%3A+2026-01-02+03%3A04%3A05Z&error_uri=https%3A%2F%2Flocalhost%3A<port>%2Ferror%3Fcode%3D700054&state=s1',
    );
    const page = await call(emu, 'GET', `/${TENANT}/oauth2/v2.0/authorize?client_id=nope`);
    expect([page.status, page.headers['content-type']]).toEqual([400, 'text/html; charset=utf-8']);
    expect(pageMain(page)).toBe(
      `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="error" id="errorCode">AADSTS700016: Application with identifier &#39;nope&#39; was not found in the directory &#39;<id>&#39;. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.</p>
<p><small>Correlation ID: <id><br>Timestamp: 2026-01-02 03:04:05Z</small></p>`,
    );
  });

  it('B2C token endpoint: error and a CRLF description; External ID answers as Entra', async () => {
    const b2c = await call(emu, 'POST', `${B2C}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'authorization_code',
        client_id: B2C_WEB.clientId,
        client_secret: 'no',
        code: 'x',
      },
    });
    expect([b2c.status, b2c.headers['cache-control']]).toEqual([401, 'no-store']);
    expect(mask(b2c.text)).toBe(
      `{"error":"invalid_client","error_description":"AADB2C90081: The specified client_secret does not match the expected value for this client.${b2cTail}`,
    );
    const ciam = await call(emu, 'POST', `${CIAM}/oauth2/v2.0/token`, {
      form: { grant_type: 'password' },
    });
    // External ID is an Entra tenant: Entra's full body, AADSTS number and all.
    expect(mask(ciam.text)).toBe(
      `{"error":"unsupported_grant_type","error_description":"AADSTS70003: The app requested an unsupported grant type 'password'. Trace ID: <id> Correlation ID: <id> Timestamp: 2026-01-02 03:04:05Z","error_codes":[70003],"timestamp":"2026-01-02 03:04:05Z","trace_id":"<id>","correlation_id":"<id>","error_uri":"https://localhost:<port>/error?code=70003"}`,
    );
  });

  it('B2C authorize: the error page, or a redirect with a CRLF description', async () => {
    const page = await call(emu, 'GET', `${B2C}/oauth2/v2.0/authorize?client_id=nope`);
    expect(page.status).toBe(400);
    expect(pageMain(page)).toBe(
      `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="error" id="errorCode">AADB2C90018: The client id &#39;nope&#39; specified in the request is not registered in tenant &#39;obodevb2c.onmicrosoft.com&#39;.</p>
<p><small>Correlation ID: <id><br>Timestamp: 2026-01-02 03:04:05Z</small></p>`,
    );
    const redirect = await call(
      emu,
      'GET',
      `${B2C}/oauth2/v2.0/authorize?client_id=${B2C_WEB.clientId}&redirect_uri=${REDIRECT}&response_type=code&scope=openid%20bogus&state=s2`,
    );
    expect(mask(redirect.headers.location)).toBe(
      'http://localhost:<port>/auth/redirect?error=invalid_request&error_description=AADB2C90117%3A+The+scope+%27bogus%27+provided+in+the+request+is+not+supported.%0D%0ACorrelation+ID%3A+<id>%0D%0ATimestamp%3A+2026-01-02+03%3A04%3A05Z&state=s2',
    );
  });

  it('Graph: {error:{code,message,innerError}} with the caller’s client-request-id', async () => {
    const res = await call(emu, 'GET', '/graph/v1.0/applications', {
      headers: { 'client-request-id': 'abc' },
    });
    expect(res.status).toBe(401);
    expect(mask(res.text)).toBe(
      '{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.","innerError":{"date":"2026-01-02T03:04:05","request-id":"<id>","client-request-id":"abc"}}}',
    );
  });

  it('ARM: {error:{code,message}} and its WWW-Authenticate challenge', async () => {
    const token = emu.mintToken({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${TENANT}/`,
      oid: '0b0e0000-0000-4000-8000-000000001001',
      scp: 'other',
    });
    const res = await call(emu, 'GET', '/arm/subscriptions?api-version=2022-12-01', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(401);
    expect(mask(res.headers['www-authenticate'])).toBe(
      'Bearer authorization_uri="https://localhost:<port>/<id>", error_description="The access token does not grant the \'user_impersonation\' permission.", error="invalid_token"',
    );
    expect(res.text).toBe(
      '{"error":{"code":"InvalidAuthenticationToken","message":"The access token does not grant the \'user_impersonation\' permission."}}',
    );
    const missing = await call(emu, 'GET', '/arm/subscriptions?api-version=2022-12-01');
    expect(mask(missing.headers['www-authenticate'])).toBe(
      'Bearer authorization_uri="https://localhost:<port>/<id>", error_description="Authentication failed. The \'Authorization\' header is missing."',
    );
  });

  it('control plane and unknown paths: {error, error_description}', async () => {
    const bad = await call(emu, 'POST', '/_emulator/faults', { json: { endpoint: 'nope' } });
    expect([bad.status, bad.text]).toEqual([
      400,
      '{"error":"invalid_request","error_description":"endpoint: expected one of token, authorize, jwks, arm, graph, discovery"}',
    ]);
    const unknown = await call(emu, 'GET', '/nothing/here');
    expect([unknown.status, unknown.text]).toEqual([
      404,
      '{"error":"not_found","error_description":"No emulator endpoint at GET /nothing/here."}',
    ]);
  });
});

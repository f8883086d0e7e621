import { createHash, randomBytes } from 'node:crypto';
import type { RunningEmulator } from '../emulator';
import { EmulatorBrowser } from '../testing';
import {
  B2C_TENANT,
  B2C_WEB,
  call,
  CIAM_TENANT,
  CIAM_WEB,
  ERIN,
  PASSWORD,
  REDIRECT,
  passwordGrant,
  startTestEmulator,
  tokenPath,
  WEB,
} from '../../test/helpers';

/**
 * One token endpoint, one set of grant checks, every tenant: the workforce tenant, B2C and
 * External ID answer the same failure in their own numbering and shape, and share what Entra
 * shares (faults, counters, response modes), while each keeps its own rules (refresh tokens).
 */
describe('every tenant on one abstraction', () => {
  const B2C = `/${B2C_TENANT}/B2C_1_susi`;
  const CIAM = `/${CIAM_TENANT}`;
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());
  beforeEach(() => emu.reset());

  const token = (path: string, form: Record<string, string>, headers?: Record<string, string>) =>
    call(emu, 'POST', path, { form, headers });

  it('answers the same failure in each tenant’s numbering: a wrong client secret', async () => {
    const form = (clientId: string) => ({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: 'wrong',
      refresh_token: 'x',
    });
    // Entra's number in the workforce and External ID tenants (both Entra), B2C's own in B2C.
    for (const [path, clientId] of [
      [tokenPath(), WEB.clientId],
      [`${CIAM}/oauth2/v2.0/token`, CIAM_WEB.clientId],
    ]) {
      const res = await token(path, form(clientId));
      expect([res.status, res.body.error_codes]).toEqual([401, [7000215]]);
    }
    const b2c = await token(`${B2C}/oauth2/v2.0/token`, form(B2C_WEB.clientId));
    expect([b2c.status, b2c.body.error]).toEqual([401, 'invalid_client']);
    expect(b2c.body.error_description).toMatch(/^AADB2C90081: /);
    expect(b2c.body.error_codes).toBeUndefined();
  });

  it.each([
    ['workforce', tokenPath()],
    ['B2C', `${B2C}/oauth2/v2.0/token`],
    ['External ID', `${CIAM}/oauth2/v2.0/token`],
  ])(
    '%s: Basic credentials that are not percent-encoding are a 400, never a 500',
    async (_tenant, path) => {
      const basic = Buffer.from('%ZZ:secret').toString('base64');
      const res = await token(
        path,
        { grant_type: 'authorization_code', code: 'x' },
        { Authorization: `Basic ${basic}` },
      );
      expect([res.status, res.body.error]).toEqual([400, 'invalid_request']);
      expect(res.body.error_description).toMatch(/^AADSTS9002313: /);
    },
  );

  it('injects token faults into every tenant, each answering in its own shape', async () => {
    emu.faults.add({ endpoint: 'token', status: 503, count: 2 });
    const b2c = await token(`${B2C}/oauth2/v2.0/token`, { grant_type: 'authorization_code' });
    expect([b2c.status, b2c.headers['retry-after'], b2c.body.error]).toEqual([
      503,
      '1',
      'temporarily_unavailable',
    ]);
    expect(b2c.body.error_description).toMatch(/^AADSTS90033: .*\r\nCorrelation ID: /);
    const workforce = await token(tokenPath(), { grant_type: 'authorization_code' });
    expect([workforce.status, workforce.body.error_codes]).toEqual([503, [90033]]);
    expect(emu.counters().token.authorization_code).toBe(2);
  });

  it('counts discovery and key requests of every tenant', async () => {
    await call(emu, 'GET', `${B2C}/v2.0/.well-known/openid-configuration`);
    await call(emu, 'GET', `${CIAM}/.well-known/openid-configuration`);
    await call(emu, 'GET', `${B2C}/discovery/v2.0/keys`);
    expect(emu.counters()).toMatchObject({ discovery: 2, jwks: 1 });
  });

  describe('refresh tokens: each tenant’s rule', () => {
    const verifier = randomBytes(32).toString('base64url');
    const b2cRefreshToken = async () => {
      const url = new URL(`${emu.url}${B2C}/oauth2/v2.0/authorize`);
      Object.entries({
        client_id: B2C_WEB.clientId,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'openid offline_access',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).forEach(([k, v]) => url.searchParams.set(k, v));
      const signIn = await new EmulatorBrowser(emu.caCert).signIn(url.toString(), {
        username: ERIN,
        password: PASSWORD,
      });
      const redeemed = await token(`${B2C}/oauth2/v2.0/token`, {
        grant_type: 'authorization_code',
        client_id: B2C_WEB.clientId,
        client_secret: B2C_WEB.secret,
        code: signIn.params.code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      });
      return redeemed.body.refresh_token as string;
    };
    const refresh = (path: string, client: { clientId: string; secret: string }, rt: string) =>
      token(path, {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        client_secret: client.secret,
        refresh_token: rt,
      });

    it('B2C keeps a refresh token valid after it is used, as B2C does', async () => {
      const rt = await b2cRefreshToken();
      const path = `${B2C}/oauth2/v2.0/token`;
      expect((await refresh(path, B2C_WEB, rt)).status).toBe(200);
      expect((await refresh(path, B2C_WEB, rt)).status).toBe(200);
    });

    it('the workforce tenant spends it: a replay is refused (AADSTS70008)', async () => {
      const rt = (await passwordGrant(emu, 'openid offline_access')).body.refresh_token;
      const web = { clientId: WEB.clientId, secret: WEB.clientSecret };
      expect((await refresh(tokenPath(), web, rt)).status).toBe(200);
      const replay = await refresh(tokenPath(), web, rt);
      expect([replay.status, replay.body.error_codes]).toEqual([400, [70008]]);
    });
  });

  it('B2C checks PKCE with the method the authorize request named (plain)', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${emu.url}${B2C}/oauth2/v2.0/authorize`);
    Object.entries({
      client_id: B2C_WEB.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: verifier,
      code_challenge_method: 'plain',
    }).forEach(([k, v]) => url.searchParams.set(k, v));
    const browser = new EmulatorBrowser(emu.caCert);
    const redeem = async (codeVerifier: string) => {
      const signIn = await browser.signIn(url.toString(), { username: ERIN, password: PASSWORD });
      return token(`${B2C}/oauth2/v2.0/token`, {
        grant_type: 'authorization_code',
        client_id: B2C_WEB.clientId,
        client_secret: B2C_WEB.secret,
        code: signIn.params.code,
        redirect_uri: REDIRECT,
        code_verifier: codeVerifier,
      });
    };
    expect((await redeem(verifier)).status).toBe(200);
    const wrong = await redeem(`${verifier}x`);
    expect([wrong.status, wrong.body.error_description]).toEqual([
      400,
      expect.stringMatching(/^AADB2C90183: /),
    ]);
  });

  it('B2C answers in the response_mode the client asks for (form_post)', async () => {
    const url = new URL(`${emu.url}${B2C}/oauth2/v2.0/authorize`);
    Object.entries({
      client_id: B2C_WEB.clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      response_mode: 'form_post',
      state: 'st-fp',
    }).forEach(([k, v]) => url.searchParams.set(k, v));
    const browser = new EmulatorBrowser(emu.caCert);
    const login = await browser.get(url.toString());
    const posted = await browser.submit(login, url.toString(), {
      login: ERIN,
      passwd: PASSWORD,
    });
    // Not a redirect: a page that posts the code to the client.
    expect([
      posted.status,
      posted.body.includes(`<form method="post" action="${REDIRECT}">`),
    ]).toEqual([200, true]);
    const result = await browser.signIn(url.toString());
    expect(result.redirectUri).toBe(REDIRECT);
    expect(result.params).toMatchObject({ code: expect.any(String), state: 'st-fp' });
  });
});

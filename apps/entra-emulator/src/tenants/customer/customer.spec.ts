import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '../../emulator';
import { loadSeed } from '../../seed/load';
import { EmulatorBrowser } from '../../testing';
import { CustomerDirectory } from './directory';
import {
  B2C_API_ID,
  B2C_SCOPE,
  B2C_TENANT,
  B2C_TID,
  B2C_WEB,
  call,
  CIAM_TENANT,
  CIAM_TID,
  CIAM_WEB,
  claimsOf,
  ERIN,
  PASSWORD,
  REDIRECT,
  startTestEmulator,
  userTokenForApi,
} from '../../../test/helpers';

describe('B2C and External ID (CIAM) tenants', () => {
  let emu: RunningEmulator;
  let usersFile: string;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  const b2cBase = (policy = 'B2C_1_susi') => `${emu.url}/${B2C_TENANT}/${policy}`;
  const ciamBase = () => `${emu.url}/${CIAM_TENANT}`;
  const authorizeUrl = (base: string, clientId: string, params: Record<string, string> = {}) => {
    const url = new URL(`${base}/oauth2/v2.0/authorize`);
    const all = {
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: `${B2C_SCOPE} openid offline_access`,
      state: 'st-1',
      nonce: 'n-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...params,
    };
    Object.entries(all).forEach(([k, v]) => url.searchParams.set(k, v));
    return url.toString();
  };
  const redeem = (base: string, client: { clientId: string; secret: string }, code: string) =>
    call(emu, 'POST', `${base}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'authorization_code',
        client_id: client.clientId,
        client_secret: client.secret,
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      },
    });

  beforeAll(async () => {
    usersFile = join(mkdtempSync(join(tmpdir(), 'obo-b2c-users-')), 'users.json');
    emu = await startTestEmulator({ b2cUsersFile: usersFile });
  });
  afterAll(() => emu.stop());

  it('serves B2C discovery per policy with the B2C issuer (tenant id, trailing slash)', async () => {
    const res = await call(emu, 'GET', `${b2cBase()}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(`${emu.url}/${B2C_TID}/v2.0/`);
    expect(res.body.authorization_endpoint).toBe(
      `${emu.url}/${B2C_TENANT}/b2c_1_susi/oauth2/v2.0/authorize`,
    );
    const keys = await call(emu, 'GET', `${b2cBase('b2c_1_EDIT')}/discovery/v2.0/keys`);
    expect(keys.status).toBe(200);
    expect(keys.body.keys[0].kid).toEqual(expect.any(String));
  });

  it('passes unknown policies and tenants on (404 / unknown tenant)', async () => {
    expect(
      (await call(emu, 'GET', `${b2cBase('B2C_1_nope')}/v2.0/.well-known/openid-configuration`))
        .status,
    ).toBe(404);
    const res = await call(
      emu,
      'GET',
      `${emu.url}/nobody.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).toBe(400);
  });

  it('signs in a seeded local account; tokens carry tfp, acr, emails, scp and no tid', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const result = await browser.signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
      username: ERIN,
      password: PASSWORD,
    });
    expect(result.redirectUri).toBe(REDIRECT);
    expect(result.params.state).toBe('st-1');
    const res = await redeem(b2cBase(), B2C_WEB, result.params.code);
    expect(res.status).toBe(200);
    const id = claimsOf(res.body.id_token);
    expect(id).toMatchObject({
      iss: `${emu.url}/${B2C_TID}/v2.0/`,
      aud: B2C_WEB.clientId,
      tfp: 'B2C_1_susi',
      acr: 'b2c_1_susi',
      name: 'Erin Example',
      emails: [ERIN],
      nonce: 'n-1',
      ver: '1.0',
    });
    expect(id.tid).toBeUndefined();
    const at = claimsOf(res.body.access_token);
    expect(at).toMatchObject({ aud: B2C_API_ID, scp: 'demo.read', tfp: 'B2C_1_susi' });
    expect(at.sub).toBe(at.oid);
    expect(res.body.refresh_token).toEqual(expect.any(String));

    const refreshed = await call(emu, 'POST', `${b2cBase()}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'refresh_token',
        client_id: B2C_WEB.clientId,
        client_secret: B2C_WEB.secret,
        refresh_token: res.body.refresh_token,
        scope: `${B2C_SCOPE} offline_access`,
      },
    });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body.access_token).scp).toBe('demo.read');
  });

  it('refuses a wrong password on the page', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    await expect(
      browser.signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
        username: ERIN,
        password: 'wrong-password',
      }),
    ).rejects.toThrow(/refused/);
  });

  it('signs up a new user (persisted to the users file); newUser in the ID token', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const start = authorizeUrl(b2cBase(), B2C_WEB.clientId);
    const login = await browser.get(start);
    const signUpUrl = browser.link(login, 'createAccount', start);
    const form = await browser.get(signUpUrl);
    const mismatch = await browser.submit(form, signUpUrl, {
      email: 'new@example.com',
      newPassword: 'N3w-passw0rd',
      reenterPassword: 'other',
      displayName: 'New User',
    });
    expect(mismatch.body).toContain('do not match');
    const done = await browser.submit(mismatch, signUpUrl, {
      email: 'new@example.com',
      newPassword: 'N3w-passw0rd',
      reenterPassword: 'N3w-passw0rd',
      displayName: 'New User',
    });
    const result = await browser.finish(done, signUpUrl);
    const id = claimsOf((await redeem(b2cBase(), B2C_WEB, result.params.code)).body.id_token);
    expect(id).toMatchObject({ name: 'New User', emails: ['new@example.com'], newUser: true });
    expect(existsSync(usersFile)).toBe(true);
    expect(readFileSync(usersFile, 'utf8')).toContain('new@example.com');

    const again = await new EmulatorBrowser(emu.caCert).signIn(
      authorizeUrl(b2cBase(), B2C_WEB.clientId),
      { username: 'new@example.com', password: 'N3w-passw0rd' },
    );
    expect(again.params.code).toEqual(expect.any(String));
  });

  it('binds the pages to the browser that opened them (no login CSRF)', async () => {
    const victim = new EmulatorBrowser(emu.caCert);
    const attacker = new EmulatorBrowser(emu.caCert);
    const start = authorizeUrl(b2cBase(), B2C_WEB.clientId);
    const page = await attacker.get(start);
    const res = await victim.submit(page, start, { login: ERIN, passwd: PASSWORD });
    expect([res.status, res.body.includes('AADB2C90208')]).toEqual([400, true]);
  });

  it('"Forgot your password?" returns access_denied AADB2C90118 with the state', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const start = authorizeUrl(b2cBase(), B2C_WEB.clientId, { state: 'st-forgot' });
    const login = await browser.get(start);
    const res = await browser.get(browser.link(login, 'forgotPassword', start));
    const result = await browser.finish(res, start);
    expect(result.params.error).toBe('access_denied');
    expect(result.params.error_description).toMatch(
      /^AADB2C90118: The user has forgotten their password\./,
    );
    expect(result.params.state).toBe('st-forgot');
  });

  it('resets a password with the reset policy (email → new password → tokens)', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const start = authorizeUrl(b2cBase('B2C_1_reset'), B2C_WEB.clientId);
    const emailPage = await browser.get(start);
    const unknown = await browser.submit(emailPage, start, { email: 'nobody@example.com' });
    expect(unknown.body).toContain('find an account');
    const passwordPage = await browser.submit(unknown, start, { email: 'new@example.com' });
    const done = await browser.submit(passwordPage, start, {
      newPassword: 'Ch4nged-passw0rd',
      reenterPassword: 'Ch4nged-passw0rd',
    });
    const result = await browser.finish(done, start);
    const res = await redeem(b2cBase('B2C_1_reset'), B2C_WEB, result.params.code);
    expect(claimsOf(res.body.id_token).tfp).toBe('B2C_1_reset');
    await expect(
      new EmulatorBrowser(emu.caCert).signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
        username: 'new@example.com',
        password: 'Ch4nged-passw0rd',
      }),
    ).resolves.toMatchObject({ redirectUri: REDIRECT });
  });

  it('edits the profile in the signed-in browser; the new ID token carries the new name', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    await browser.signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
      username: 'new@example.com',
      password: 'Ch4nged-passw0rd',
    });
    const start = authorizeUrl(b2cBase('B2C_1_edit'), B2C_WEB.clientId);
    const edit = await browser.get(start);
    expect(edit.body).toContain('name="displayName"');
    const done = await browser.submit(edit, start, { displayName: 'Renamed User' });
    const result = await browser.finish(done, start);
    const id = claimsOf(
      (await redeem(b2cBase('B2C_1_edit'), B2C_WEB, result.params.code)).body.id_token,
    );
    expect(id).toMatchObject({ name: 'Renamed User', tfp: 'B2C_1_edit', acr: 'b2c_1_edit' });
  });

  it('signs out: ends the session and returns to a registered post-logout URI', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    await browser.signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
      username: ERIN,
      password: PASSWORD,
    });
    // With the session the sign-in page is skipped.
    const sso = await browser.get(authorizeUrl(b2cBase(), B2C_WEB.clientId));
    expect(sso.status).toBe(302);
    const out = await browser.get(
      `${b2cBase()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}`,
    );
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('http://localhost:3000/');
    const after = await browser.get(authorizeUrl(b2cBase(), B2C_WEB.clientId));
    expect(after.body).toContain('name="passwd"');
  });

  it('refuses OBO like B2C: unsupported_grant_type AADB2C90086', async () => {
    const res = await call(emu, 'POST', `${b2cBase()}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        client_id: B2C_API_ID,
        client_secret: 'obo-b2c-api-dev-secret-not-for-production',
        assertion: 'x.y.z',
        requested_token_use: 'on_behalf_of',
        scope: 'https://management.azure.com/user_impersonation',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
    expect(res.body.error_description).toMatch(
      /^AADB2C90086: The supplied grant_type \[urn:ietf:params:oauth:grant-type:jwt-bearer\] is not supported\./,
    );
  });

  it('answers bad token requests with B2C errors', async () => {
    const base = b2cBase();
    const form = { grant_type: 'authorization_code', client_id: B2C_WEB.clientId, code: 'x' };
    const badSecret = await call(emu, 'POST', `${base}/oauth2/v2.0/token`, {
      form: { ...form, client_secret: 'nope' },
    });
    expect([badSecret.status, badSecret.body.error]).toEqual([401, 'invalid_client']);
    const badCode = await call(emu, 'POST', `${base}/oauth2/v2.0/token`, {
      form: { ...form, client_secret: B2C_WEB.secret },
    });
    expect([badCode.status, badCode.body.error]).toEqual([400, 'invalid_grant']);
  });

  it('shows an error page for an unknown client or an unregistered redirect URI', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const unknown = await browser.get(
      authorizeUrl(b2cBase(), '0b0eb2c0-0000-4000-8000-00000000ffff'),
    );
    expect([unknown.status, unknown.body.includes('AADB2C90018')]).toEqual([400, true]);
    const badRedirect = await browser.get(
      authorizeUrl(b2cBase(), B2C_WEB.clientId, { redirect_uri: 'https://evil.example/cb' }),
    );
    expect([badRedirect.status, badRedirect.body.includes('AADB2C90006')]).toEqual([400, true]);
    const badScope = await browser.finish(
      await browser.get(authorizeUrl(b2cBase(), B2C_WEB.clientId, { scope: 'openid bogus' })),
      b2cBase(),
    );
    expect(badScope.params.error_description).toMatch(/^AADB2C90117/);
  });

  it('CIAM: discovery at the tenant domain with the GUID issuer; sign-up and sign-in', async () => {
    const doc = await call(emu, 'GET', `${ciamBase()}/v2.0/.well-known/openid-configuration`);
    expect(doc.body.issuer).toBe(`${emu.url}/${CIAM_TID}/v2.0`);
    expect(doc.body.token_endpoint).toBe(`${ciamBase()}/oauth2/v2.0/token`);

    const browser = new EmulatorBrowser(emu.caCert);
    const scope = 'api://0b0ec1a0-0000-4000-8000-000000000201/access_as_user openid';
    const start = authorizeUrl(ciamBase(), CIAM_WEB.clientId, { scope });
    const login = await browser.get(start);
    expect(login.body).not.toContain('forgotPassword');
    const signUpUrl = browser.link(login, 'createAccount', start);
    const done = await browser.submit(await browser.get(signUpUrl), signUpUrl, {
      email: 'gina@example.com',
      newPassword: 'G1na-passw0rd',
      reenterPassword: 'G1na-passw0rd',
      displayName: 'Gina Example',
    });
    const result = await browser.finish(done, signUpUrl);
    const res = await redeem(ciamBase(), CIAM_WEB, result.params.code);
    expect(claimsOf(res.body.id_token)).toMatchObject({
      iss: `${emu.url}/${CIAM_TID}/v2.0`,
      tid: CIAM_TID,
      name: 'Gina Example',
      preferred_username: 'gina@example.com',
      ver: '2.0',
    });
    expect(claimsOf(res.body.access_token)).toMatchObject({
      aud: '0b0ec1a0-0000-4000-8000-000000000201',
      scp: 'access_as_user',
    });

    const signIn = await new EmulatorBrowser(emu.caCert).signIn(
      authorizeUrl(ciamBase(), CIAM_WEB.clientId, { scope }),
      { username: 'frank@example.com', password: PASSWORD },
    );
    const frank = await redeem(ciamBase(), CIAM_WEB, signIn.params.code);
    expect(claimsOf(frank.body.id_token).name).toBe('Frank Example');
  });

  describe('CIAM prompts (External ID honours them as the workforce tenant does)', () => {
    const FRANK = { username: 'frank@example.com', password: PASSWORD };
    const signedIn = async () => {
      const browser = new EmulatorBrowser(emu.caCert);
      const first = await browser.signIn(
        authorizeUrl(ciamBase(), CIAM_WEB.clientId, { scope: 'openid' }),
        FRANK,
      );
      expect(first.params.code).toEqual(expect.any(String));
      return browser;
    };
    const withPrompt = (prompt: string) =>
      authorizeUrl(ciamBase(), CIAM_WEB.clientId, { scope: 'openid', prompt });

    it('prompt=login asks for the password although the browser is signed in', async () => {
      const browser = await signedIn();
      const page = await browser.get(withPrompt('login'));
      expect(page.status).toBe(200);
      expect(page.body).toContain('name="passwd"');
      const again = await browser.signIn(withPrompt('login'), FRANK);
      expect(again.params.code).toEqual(expect.any(String));
    });

    it('prompt=select_account shows the account picker; picking the account signs in', async () => {
      const browser = await signedIn();
      const page = await browser.get(withPrompt('select_account'));
      expect(page.status).toBe(200);
      expect(page.body).toContain('name="account"');
      expect(page.body).toContain('frank@example.com');
      const picked = await browser.signIn(withPrompt('select_account'), FRANK);
      const tokens = await redeem(ciamBase(), CIAM_WEB, picked.params.code);
      expect(claimsOf(tokens.body.id_token).preferred_username).toBe('frank@example.com');
      // "Use another account" leads to the password form.
      const other = await browser.submit(
        await browser.get(withPrompt('select_account')),
        withPrompt('select_account'),
        { account: 'other' },
      );
      expect(other.body).toContain('name="passwd"');
    });

    it('prompt=none signs in silently with a session, else login_required', async () => {
      const browser = await signedIn();
      expect((await browser.signIn(withPrompt('none'))).params.code).toEqual(expect.any(String));
      const fresh = await new EmulatorBrowser(emu.caCert).signIn(withPrompt('none'));
      expect(fresh.params.error).toBe('login_required');
      expect(fresh.params.error_description).toMatch(/^AADSTS50058/);
      expect(fresh.params.state).toBe('st-1');
    });

    it('prompt=create opens the sign-up page; an unknown prompt is refused', async () => {
      const page = await new EmulatorBrowser(emu.caCert).get(withPrompt('create'));
      expect(page.body).toContain('name="newPassword"');
      const bad = await new EmulatorBrowser(emu.caCert).signIn(withPrompt('sometimes'));
      expect(bad.params.error).toBe('invalid_request');
      expect(bad.params.error_description).toMatch(/^AADSTS90023/);
    });

    it('B2C honours only prompt=login: select_account signs a signed-in browser in silently', async () => {
      const browser = new EmulatorBrowser(emu.caCert);
      await browser.signIn(authorizeUrl(b2cBase(), B2C_WEB.clientId), {
        username: ERIN,
        password: PASSWORD,
      });
      const silent = await browser.get(
        authorizeUrl(b2cBase(), B2C_WEB.clientId, { prompt: 'select_account' }),
      );
      expect(silent.status).toBe(302);
      const login = await browser.get(
        authorizeUrl(b2cBase(), B2C_WEB.clientId, { prompt: 'login' }),
      );
      expect(login.body).toContain('name="passwd"');
    });
  });

  describe('CIAM On-Behalf-Of (External ID supports it)', () => {
    const CIAM_API = {
      clientId: '0b0ec1a0-0000-4000-8000-000000000201',
      secret: 'obo-ciam-api-dev-secret-not-for-production',
    };
    const apiScope = `api://${CIAM_API.clientId}/access_as_user`;
    let frankToken: string;
    const obo = (form: Record<string, string>) =>
      call(emu, 'POST', `${ciamBase()}/oauth2/v2.0/token`, {
        form: {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          requested_token_use: 'on_behalf_of',
          client_id: CIAM_API.clientId,
          client_secret: CIAM_API.secret,
          assertion: frankToken,
          scope: 'https://management.azure.com/.default openid profile offline_access',
          ...form,
        },
      });

    beforeAll(async () => {
      const signIn = await new EmulatorBrowser(emu.caCert).signIn(
        authorizeUrl(ciamBase(), CIAM_WEB.clientId, { scope: `${apiScope} openid` }),
        { username: 'frank@example.com', password: PASSWORD },
      );
      frankToken = (await redeem(ciamBase(), CIAM_WEB, signIn.params.code)).body.access_token;
    });

    it('exchanges the API’s CIAM token for ARM; ARM accepts it (frank owns no subscriptions)', async () => {
      const before = emu.counters().token.on_behalf_of;
      const res = await obo({});
      expect(res.status).toBe(200);
      expect(emu.counters().token.on_behalf_of).toBe(before + 1);
      expect(claimsOf(res.body.access_token)).toMatchObject({
        aud: 'https://management.azure.com/',
        iss: `https://sts.windows.net/${CIAM_TID}/`,
        tid: CIAM_TID,
        appid: CIAM_API.clientId,
        scp: 'user_impersonation',
        oid: claimsOf(frankToken).oid,
        ver: '1.0',
      });
      expect(claimsOf(res.body.id_token).aud).toBe(CIAM_API.clientId);
      const arm = await call(emu, 'GET', `${emu.url}/arm/subscriptions?api-version=2022-12-01`, {
        headers: { authorization: `Bearer ${res.body.access_token}` },
      });
      expect(arm.status).toBe(200);
      expect(arm.body.value).toEqual([]);
    });

    it('refuses an assertion meant for another app, a forged one and a foreign tenant’s', async () => {
      // The web app presents the API's token: wrong audience.
      const wrongAud = await obo({ client_id: CIAM_WEB.clientId, client_secret: CIAM_WEB.secret });
      expect([wrongAud.status, wrongAud.body.error]).toEqual([400, 'invalid_grant']);
      expect(wrongAud.body.error_description).toMatch(
        /^AADSTS50013: Assertion failed signature validation\. \[Reason - Assertion audience/,
      );
      const [h, p] = frankToken.split('.');
      const forged = await obo({ assertion: `${h}.${p}.${'A'.repeat(342)}` });
      expect(forged.body.error_description).toMatch(/^AADSTS50013: Assertion failed signature/);
      const workforce = await userTokenForApi(emu);
      const foreign = await obo({ assertion: workforce });
      expect(foreign.body.error_description).toMatch(
        /^AADSTS50013: Assertion contains an invalid issuer/,
      );
    });

    it('refuses a resource the tenant does not have, and two resources at once', async () => {
      const unknown = await obo({ scope: 'api://nope/read' });
      expect([unknown.status, unknown.body.error]).toEqual([400, 'invalid_resource']);
      const two = await obo({
        scope: `https://management.azure.com/.default ${apiScope}`,
      });
      expect([two.status, two.body.error]).toEqual([400, 'invalid_scope']);
      expect(two.body.error_description).toMatch(/^AADSTS28000/);
    });
  });

  it('reloads signed-up users from the users file (a restart keeps them)', () => {
    const b2c = loadSeed().b2c;
    if (!b2c) throw new Error('the default seed has a b2c tenant');
    const restarted = new CustomerDirectory('b2c', b2c, usersFile);
    expect(restarted.userByEmail('NEW@example.com')?.displayName).toBe('Renamed User');
    expect(new CustomerDirectory('b2c', b2c).userByEmail('new@example.com')).toBeUndefined();
  });

  it('leaves the workforce tenant untouched', async () => {
    const res = await call(emu, 'GET', `${emu.authority}/v2.0/.well-known/openid-configuration`);
    expect(res.body.issuer).toBe(`${emu.authority}/v2.0`);
  });
});

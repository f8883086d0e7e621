import { createHash, randomBytes } from 'node:crypto';
import type { RunningEmulator } from '../emulator';
import { loadSeed } from '../seed/load';
import { EmulatorBrowser } from '../testing';
import {
  ALICE,
  API_SCOPE,
  BOB,
  call,
  claimsOf,
  PASSWORD,
  startTestEmulator,
  TENANT,
  tokenPath,
  WEB,
  authorizeUrl as authorizeUrlOf,
  REDIRECT,
} from '../../test/helpers';

const OTHER_CLIENT = '0b0e0000-0000-4000-8000-000000000601';

describe('authorize, sign-in pages, code redemption and logout', () => {
  let emu: RunningEmulator;
  let clock = Date.now();
  const authorizeUrl = (params: Record<string, string> = {}) => authorizeUrlOf(emu, params);
  const redeem = (code: string, extra: Record<string, string> = {}) =>
    call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'authorization_code',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        code,
        redirect_uri: REDIRECT,
        scope: API_SCOPE,
        ...extra,
      },
    });

  beforeAll(async () => {
    const seed = loadSeed();
    seed.apps.push({ ...seed.apps[0], displayName: 'Unconsented app', clientId: OTHER_CLIENT });
    emu = await startTestEmulator({ seed, now: () => clock });
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    clock = Date.now();
  });

  it('renders the login form with login/passwd fields and the login_hint', async () => {
    const res = await call(
      emu,
      'GET',
      new URL(authorizeUrl({ login_hint: ALICE })).pathname +
        new URL(authorizeUrl({ login_hint: ALICE })).search,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<label for="login">');
    expect(res.text).toContain('name="passwd"');
    expect(res.text).toContain(`value="${ALICE}"`);
    expect(res.text).not.toMatch(/<script src|<link /);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(emu.counters().authorize).toBeGreaterThan(0);
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 50011],
    ['an unknown client', { client_id: '0b0e0000-0000-4000-8000-00000000ffff' }, 700016],
  ])('shows an error page, never a redirect, for %s', async (_name, params, code) => {
    const url = new URL(authorizeUrl(params));
    const res = await call(emu, 'GET', url.pathname + url.search);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain(`AADSTS${code}`);
  });

  it('shows AADSTS90002 for an unknown tenant', async () => {
    const res = await call(
      emu,
      'GET',
      `/nope.example/oauth2/v2.0/authorize?client_id=${WEB.clientId}`,
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('AADSTS90002');
  });

  it('redirects protocol errors to the client with state (unsupported response_type, prompt=none)', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const bad = await browser.signIn(authorizeUrl({ response_type: 'token' }));
    expect(bad.params).toMatchObject({ error: 'unsupported_response_type', state: 'st-1' });
    const none = await browser.signIn(authorizeUrl({ prompt: 'none' }));
    expect(none.redirectUri).toBe(REDIRECT);
    expect(none.params.error).toBe('login_required');
    expect(none.params.error_description).toMatch(/^AADSTS50058/);
  });

  it('refuses sign-in page posts from another browser (login CSRF)', async () => {
    const victim = new EmulatorBrowser(emu.caCert);
    const attacker = new EmulatorBrowser(emu.caCert);
    const page = await attacker.get(authorizeUrl());
    const tx = /name="tx" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const forged = await victim.post(`${emu.authority}/oauth2/v2.0/authorize/login`, {
      tx,
      login: ALICE,
      passwd: PASSWORD,
    });
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('AADSTS50058');
    const own = await attacker.post(`${emu.authority}/oauth2/v2.0/authorize/login`, {
      tx,
      login: ALICE,
      passwd: PASSWORD,
    });
    expect(own.status).toBe(302);
  });

  it('re-renders the form with AADSTS50126 on a bad password', async () => {
    await expect(
      new EmulatorBrowser(emu.caCert).signIn(authorizeUrl(), {
        username: ALICE,
        password: 'wrong',
      }),
    ).rejects.toThrow(/AADSTS50126/);
  });

  it('signs in, then SSO, account picker, prompt=login and prompt=none work on the same browser', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const first = await browser.signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
    expect(first.params.code).toBeDefined();
    expect(first.params.session_state).toBeDefined();
    const sso = await browser.signIn(authorizeUrl({ state: 'st-2' }));
    expect(sso.params).toMatchObject({ state: 'st-2' });
    expect(sso.params.code).toBeDefined();
    const silent = await browser.signIn(authorizeUrl({ prompt: 'none' }));
    expect(silent.params.code).toBeDefined();
    const relogin = await browser.get(authorizeUrl({ prompt: 'login' }));
    expect(relogin.body).toContain('name="passwd"');
    const second = await browser.signIn(authorizeUrl({ prompt: 'login' }), {
      username: BOB,
      password: PASSWORD,
    });
    expect(second.params.code).toBeDefined();
    const picker = await browser.get(authorizeUrl());
    expect(picker.body).toContain('Pick an account');
    expect(picker.body).toContain(ALICE);
    expect(picker.body).toContain(BOB);
    const selectOne = await browser.get(
      authorizeUrl({ prompt: 'select_account', login_hint: ALICE }),
    );
    expect(selectOne.body).toContain('Pick an account');
    const picked = await browser.signIn(authorizeUrl(), { username: BOB });
    const tokens = await redeem(picked.params.code);
    expect(claimsOf(tokens.body.access_token).preferred_username).toBe(BOB);
    const hinted = await browser.signIn(authorizeUrl({ prompt: 'none', login_hint: ALICE }));
    expect(claimsOf((await redeem(hinted.params.code)).body.access_token).preferred_username).toBe(
      ALICE,
    );
    const ambiguous = await browser.signIn(authorizeUrl({ prompt: 'none' }));
    expect(ambiguous.params.error).toBe('interaction_required');
  });

  it('answers with response_mode=form_post as an auto-submitting form that works without JavaScript', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const result = await browser.signIn(authorizeUrl({ response_mode: 'form_post' }), {
      username: ALICE,
      password: PASSWORD,
    });
    expect(result.redirectUri).toBe(REDIRECT);
    expect(result.params.code).toBeDefined();
    expect(result.params.state).toBe('st-1');
  });

  it('echoes the nonce in the ID token only when sent', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const withNonce = await browser.signIn(authorizeUrl({ nonce: 'n-123' }), {
      username: ALICE,
      password: PASSWORD,
    });
    expect(claimsOf((await redeem(withNonce.params.code)).body.id_token).nonce).toBe('n-123');
    const without = await browser.signIn(authorizeUrl());
    expect(claimsOf((await redeem(without.params.code)).body.id_token)).not.toHaveProperty('nonce');
  });

  describe('code redemption', () => {
    const verifier = randomBytes(32).toString('base64url');
    const s256 = createHash('sha256').update(verifier).digest('base64url');
    const browser = () => new EmulatorBrowser(emu.caCert);

    it('verifies PKCE S256 and plain (AADSTS50148 missing, 501481 mismatch)', async () => {
      const a = await browser().signIn(
        authorizeUrl({ code_challenge: s256, code_challenge_method: 'S256' }),
        { username: ALICE, password: PASSWORD },
      );
      expect((await redeem(a.params.code)).body.error_codes).toEqual([50148]);
      const b = await browser().signIn(
        authorizeUrl({ code_challenge: s256, code_challenge_method: 'S256' }),
        { username: ALICE, password: PASSWORD },
      );
      expect(
        (
          await redeem(b.params.code, {
            code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier',
          })
        ).body.error_codes,
      ).toEqual([501481]);
      const c = await browser().signIn(
        authorizeUrl({ code_challenge: s256, code_challenge_method: 'S256' }),
        { username: ALICE, password: PASSWORD },
      );
      expect((await redeem(c.params.code, { code_verifier: verifier })).status).toBe(200);
      const d = await browser().signIn(
        authorizeUrl({ code_challenge: verifier, code_challenge_method: 'plain' }),
        { username: ALICE, password: PASSWORD },
      );
      expect((await redeem(d.params.code, { code_verifier: verifier })).status).toBe(200);
    });

    it('is single use (AADSTS70008), expires after 10 minutes and must match the redirect_uri (AADSTS50011)', async () => {
      const a = await browser().signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
      expect((await redeem(a.params.code)).status).toBe(200);
      expect((await redeem(a.params.code)).body).toMatchObject({
        error: 'invalid_grant',
        error_codes: [70008],
      });
      const b = await browser().signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
      clock += 11 * 60_000;
      expect((await redeem(b.params.code)).body.error_codes).toEqual([70008]);
      clock = Date.now();
      const c = await browser().signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
      expect(
        (await redeem(c.params.code, { redirect_uri: 'http://localhost:3000/getAToken' })).body
          .error_codes,
      ).toEqual([50011]);
      expect((await redeem('garbage')).body.error_codes).toEqual([9002313]);
    });
  });

  describe('consent', () => {
    const url = (extra: Record<string, string> = {}) =>
      authorizeUrl({ client_id: OTHER_CLIENT, ...extra });

    it('asks for consent, redirects access_denied on decline, and remembers an accepted consent', async () => {
      const declined = await new EmulatorBrowser(emu.caCert).signIn(url(), {
        username: BOB,
        password: PASSWORD,
        consent: 'decline',
      });
      expect(declined.params.error).toBe('access_denied');
      const browser = new EmulatorBrowser(emu.caCert);
      const first = await browser.get(url());
      expect(first.body).toContain('name="passwd"');
      const accepted = await browser.signIn(url(), { username: BOB, password: PASSWORD });
      expect(accepted.params.code).toBeDefined();
      const again = await browser.get(url({ prompt: 'consent' }));
      expect(again.body).toContain('Permissions requested');
    });

    it('answers prompt=none with consent_required when consent is missing', async () => {
      emu.reset();
      const browser = new EmulatorBrowser(emu.caCert);
      await browser.signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
      const res = await browser.signIn(url({ prompt: 'none' }));
      expect(res.params.error).toBe('invalid_grant');
      expect(res.params.suberror).toBe('consent_required');
      expect(res.params.error_description).toMatch(/^AADSTS65001/);
    });
  });

  describe('logout', () => {
    it('ends the session and redirects only to a registered post_logout_redirect_uri', async () => {
      const browser = new EmulatorBrowser(emu.caCert);
      await browser.signIn(authorizeUrl(), { username: ALICE, password: PASSWORD });
      const out = await browser.get(
        `${emu.authority}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}&state=x`,
      );
      expect(out.status).toBe(302);
      expect(out.headers.location).toBe('http://localhost:3000/?state=x');
      const after = await browser.signIn(authorizeUrl({ prompt: 'none' }));
      expect(after.params.error).toBe('login_required');
      const unregistered = await browser.get(
        `${emu.authority}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      );
      expect(unregistered.status).toBe(200);
      expect(unregistered.body).toContain('You signed out');
      expect(emu.counters().logout).toBe(2);
    });
  });

  it('asks consent for several resources at once; each redemption names one', async () => {
    const browser = new EmulatorBrowser(emu.caCert);
    const scope = `${API_SCOPE} User.Read openid offline_access`;
    await browser.signIn(authorizeUrl(), { username: BOB, password: PASSWORD });
    const consent = await browser.get(authorizeUrl({ client_id: OTHER_CLIENT, scope }));
    expect(consent.body).toContain('OBO API: access_as_user');
    expect(consent.body).toContain('Microsoft Graph: User.Read');
    const result = await browser.signIn(authorizeUrl({ client_id: OTHER_CLIENT, scope }));
    const redeemed = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'authorization_code',
        client_id: OTHER_CLIENT,
        client_secret: WEB.clientSecret,
        code: result.params.code,
        redirect_uri: REDIRECT,
        scope: 'User.Read openid',
      },
    });
    expect(claimsOf(redeemed.body.access_token).aud).toBe('https://graph.microsoft.com');
    expect(redeemed.body.id_token).toBeDefined();
    const refreshed = await call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'refresh_token',
        client_id: OTHER_CLIENT,
        client_secret: WEB.clientSecret,
        refresh_token: redeemed.body.refresh_token,
        scope: API_SCOPE,
      },
    });
    expect(claimsOf(refreshed.body.access_token).aud).toBe(API_SCOPE.split('/')[2]);
  });

  it('uses the tenant domain as an authority too', async () => {
    const url = authorizeUrl().replace(`/${TENANT}/`, '/obodev.onmicrosoft.com/');
    const res = await new EmulatorBrowser(emu.caCert).signIn(url, {
      username: ALICE,
      password: PASSWORD,
    });
    expect(res.params.code).toBeDefined();
  });
});

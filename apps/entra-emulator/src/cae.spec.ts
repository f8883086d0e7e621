import { createEmulatorApp } from './app';
import type { RunningEmulator } from './emulator';
import { EmulatorBrowser } from './testing';
import {
  ALICE,
  API_SCOPE,
  authorizeUrl,
  BOB,
  call,
  claimsOf,
  obo,
  PASSWORD,
  startTestEmulator,
  tokenPath,
  WEB,
} from '../test/helpers';

const CP1 = { xms_cc: { values: ['cp1'] } };
const claims = (accessToken: Record<string, unknown>) =>
  JSON.stringify({ access_token: accessToken });
const nbfClaims = (seconds: number, more: Record<string, unknown> = {}) =>
  claims({ ...more, nbf: { essential: true, value: String(seconds) } });

/**
 * Continuous Access Evaluation: long-lived ARM tokens for `cp1` clients, critical events
 * through the control plane, the token endpoint's refusals (AADSTS50173, 50057) until the user
 * signs in again, `nbf` claims honoured, and ARM's challenge for a revoked CAE token.
 */
describe('Continuous Access Evaluation', () => {
  let emu: RunningEmulator;
  let clock = Date.UTC(2026, 0, 5, 9, 0, 0);
  const tick = (ms: number) => (clock += ms);

  beforeAll(async () => {
    emu = await startTestEmulator({ now: () => clock });
  });
  afterAll(() => emu.stop());
  beforeEach(() => {
    emu.reset();
    tick(60_000);
  });

  /** ROPC as the web app: a sign-in with credentials (what the login page records too). */
  const signIn = (username = ALICE, password = PASSWORD, scope = `${API_SCOPE} offline_access`) =>
    call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'password',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        username,
        password,
        scope,
        claims: claims(CP1),
      },
    });
  const assertionFor = async (username = ALICE) => {
    const res = await signIn(username);
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  };
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    call(emu, 'POST', tokenPath(), {
      form: {
        grant_type: 'refresh_token',
        client_id: WEB.clientId,
        client_secret: WEB.clientSecret,
        refresh_token: refreshToken,
        scope: API_SCOPE,
        ...extra,
      },
    });
  const armToken = async (assertion: string, extra: Record<string, string> = {}) => {
    const res = await obo(emu, assertion, { claims: claims(CP1), ...extra });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const arm = (token: string) =>
    call(emu, 'GET', '/arm/subscriptions?api-version=2022-12-01', {
      headers: { Authorization: `Bearer ${token}` },
    });
  const control = (path: string, json?: unknown) =>
    call(emu, json === undefined && path.endsWith('/events') ? 'GET' : 'POST', path, {
      ...(json !== undefined ? { json } : {}),
    });
  const expectRefused = (
    res: { status: number; body: Record<string, unknown> },
    aadsts: number,
  ) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_codes).toEqual([aadsts]);
    if (aadsts === 50173) expect(res.body.suberror).toBe('bad_token');
  };

  describe('CAE token lifetime', () => {
    it('gives a cp1 client a 24-hour ARM token with xms_cc, OBO included', async () => {
      const { access_token } = await assertionFor();
      const res = await obo(emu, access_token, { claims: claims(CP1) });
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(86_399);
      const token = claimsOf(res.body.access_token);
      expect(token.xms_cc).toEqual(['cp1']);
      expect(token.exp - token.iat).toBe(86_400);
    });

    it('gives a client without cp1 the normal hour', async () => {
      const { access_token } = await assertionFor();
      const res = await obo(emu, access_token);
      expect(res.body.expires_in).toBe(3599);
      const token = claimsOf(res.body.access_token);
      expect(token.xms_cc).toBeUndefined();
      expect(token.exp - token.iat).toBe(3600);
    });

    it('keeps a cp1 token for a resource that is not CAE-enabled (the API) at an hour', async () => {
      const { access_token } = await assertionFor();
      const token = claimsOf(access_token);
      expect(token.xms_cc).toEqual(['cp1']);
      expect(token.exp - token.iat).toBe(3600);
    });

    it('takes the CAE lifetime from its options, within Entra’s bounds', async () => {
      const short = await startTestEmulator({ caeTokenLifetimeSeconds: 72_000 });
      try {
        const assertion = await call(short, 'POST', tokenPath(), {
          form: {
            grant_type: 'password',
            client_id: WEB.clientId,
            client_secret: WEB.clientSecret,
            username: ALICE,
            password: PASSWORD,
            scope: API_SCOPE,
          },
        });
        const res = await obo(short, assertion.body.access_token, { claims: claims(CP1) });
        expect(res.body.expires_in).toBe(71_999);
      } finally {
        await short.stop();
      }
      for (const bad of [299, 100_801, 3600.5]) {
        expect(() => createEmulatorApp({ caeTokenLifetimeSeconds: bad })).toThrow(
          /caeTokenLifetimeSeconds/,
        );
      }
    });
  });

  describe('revoked sessions', () => {
    it('refuses the user’s refresh tokens with AADSTS50173, also after a new sign-in', async () => {
      const { refresh_token } = await assertionFor();
      const rotated = await refresh(refresh_token);
      expect(rotated.status).toBe(200);
      const current = rotated.body.refresh_token as string;
      tick(1000);
      expect((await control(`/_emulator/users/${ALICE}/revoke`)).status).toBe(204);
      expectRefused(await refresh(current), 50173);
      tick(1000);
      await assertionFor();
      expectRefused(await refresh(current), 50173);
    });

    it('refuses On-Behalf-Of with an assertion from before until the user signs in again', async () => {
      const { access_token: before } = await assertionFor();
      tick(1000);
      emu.revokeUser(ALICE);
      const refused = await obo(emu, before, { claims: claims(CP1) });
      expectRefused(refused, 50173);
      expect(refused.body.error_description).toContain('TokensValidFrom');
      tick(1000);
      await assertionFor();
      // Signed in again: even the old assertion may be exchanged (ARM's nbf satisfied).
      const nbf = Math.floor((clock - 1000) / 1000);
      const res = await obo(emu, before, { claims: nbfClaims(nbf, CP1) });
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).iat).toBeGreaterThanOrEqual(nbf);
    });

    it('leaves other users alone', async () => {
      const { access_token } = await assertionFor(BOB);
      tick(1000);
      emu.revokeUser(ALICE);
      expect((await obo(emu, access_token)).status).toBe(200);
    });

    it('asks for credentials at the login page again', async () => {
      const browser = new EmulatorBrowser(emu.caCert);
      const url = authorizeUrl(emu);
      await browser.signIn(url, { username: ALICE, password: PASSWORD });
      expect((await browser.signIn(url)).params.code).toBeDefined(); // SSO
      tick(1000);
      emu.revokeUser(ALICE);
      const page = await browser.get(url);
      expect(page.body).toContain('name="passwd"');
    });
  });

  describe('disabled user', () => {
    it('gets nothing (AADSTS50057) until enabled, then must sign in again', async () => {
      const { access_token: before, refresh_token } = await assertionFor();
      tick(1000);
      expect((await control(`/_emulator/users/${ALICE}/disable`)).status).toBe(204);
      expectRefused(await signIn(), 50057);
      expectRefused(await obo(emu, before), 50057);
      expectRefused(await refresh(refresh_token), 50057);
      const browser = new EmulatorBrowser(emu.caCert);
      await expect(
        browser.signIn(authorizeUrl(emu), { username: ALICE, password: PASSWORD }),
      ).rejects.toThrow(/AADSTS50057/);

      tick(1000);
      expect((await control(`/_emulator/users/${ALICE}/enable`)).status).toBe(204);
      expectRefused(await obo(emu, before), 50173);
      expectRefused(await refresh(refresh_token), 50173);
      tick(1000);
      const { access_token: after } = await assertionFor();
      expect((await obo(emu, after)).status).toBe(200);
    });
  });

  describe('password change', () => {
    it('refuses the old password and earlier grants; the new password works', async () => {
      const { refresh_token } = await assertionFor();
      tick(1000);
      const res = await control(`/_emulator/users/${ALICE}/password`, {
        password: 'N3w-Passw0rd!',
      });
      expect(res.status).toBe(204);
      const old = await signIn();
      expectRefused(old, 50126);
      expectRefused(await refresh(refresh_token), 50173);
      expect((await signIn(ALICE, 'N3w-Passw0rd!')).status).toBe(200);
      const browser = new EmulatorBrowser(emu.caCert);
      await expect(
        browser.signIn(authorizeUrl(emu), { username: ALICE, password: PASSWORD }),
      ).rejects.toThrow(/AADSTS50126/);
      const signedIn = await browser.signIn(authorizeUrl(emu), {
        username: ALICE,
        password: 'N3w-Passw0rd!',
      });
      expect(signedIn.params.code).toBeDefined();
    });

    it('is undone by reset (the seeded password works again)', async () => {
      emu.changePassword(ALICE, 'N3w-Passw0rd!');
      emu.reset();
      expect((await signIn()).status).toBe(200);
    });
  });

  describe('claims request nbf', () => {
    it('issues only on an authentication from after nbf, or for a user who signed in since', async () => {
      const { access_token: assertion, refresh_token } = await assertionFor();
      const issued = Math.floor(clock / 1000);
      tick(10_000);
      const later = issued + 5;
      expectRefused(await obo(emu, assertion, { claims: nbfClaims(later) }), 50173);
      expectRefused(await refresh(refresh_token, { claims: nbfClaims(later) }), 50173);
      // Not before an earlier time: the same grants are fine.
      expect((await obo(emu, assertion, { claims: nbfClaims(issued - 1) })).status).toBe(200);
      expect((await refresh(refresh_token, { claims: nbfClaims(issued - 1) })).status).toBe(200);
      await assertionFor();
      expect((await obo(emu, assertion, { claims: nbfClaims(later) })).status).toBe(200);
    });

    it('asks for the password at authorize when the session’s sign-in is older than nbf', async () => {
      const browser = new EmulatorBrowser(emu.caCert);
      await browser.signIn(authorizeUrl(emu), { username: ALICE, password: PASSWORD });
      tick(10_000);
      const nbf = Math.floor(clock / 1000) - 5;
      const url = authorizeUrl(emu, { claims: nbfClaims(nbf) });
      expect((await browser.get(url)).body).toContain('name="passwd"');
      const none = await browser.signIn(
        authorizeUrl(emu, { claims: nbfClaims(nbf), prompt: 'none' }),
      );
      expect(none.params.error).toBe('login_required');
      const again = await browser.signIn(url, { username: ALICE, password: PASSWORD });
      expect(again.params.code).toBeDefined();
      // Now the session is fresh enough: SSO.
      expect((await browser.signIn(url)).params.code).toBeDefined();
    });
  });

  describe('ARM', () => {
    it('challenges a CAE token issued before the event, with the event’s time as nbf', async () => {
      const token = await armToken((await assertionFor()).access_token);
      expect((await arm(token)).status).toBe(200);
      tick(1234);
      emu.revokeUser(ALICE);
      const res = await arm(token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('InvalidAuthenticationToken');
      const header = String(res.headers['www-authenticate']);
      expect(header).toMatch(/^Bearer authorization_uri="[^"]+", error="insufficient_claims", /);
      expect(header).toContain(`authorization_uri="${emu.authority}"`);
      const encoded = /claims="([^"]+)"/.exec(header)?.[1] ?? '';
      expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).toEqual({
        access_token: { nbf: { essential: true, value: String(Math.floor(clock / 1000)) } },
      });
      expect(emu.counters().arm.caeChallenges).toBe(1);
    });

    it('accepts a non-CAE token after the event until it expires', async () => {
      const { access_token } = await assertionFor();
      const token = (await obo(emu, access_token)).body.access_token as string;
      tick(1000);
      emu.revokeUser(ALICE);
      expect((await arm(token)).status).toBe(200);
      tick(3_500_000); // 59 minutes on: still within its hour
      expect((await arm(token)).status).toBe(200);
      tick(3_600_000); // past its hour and ARM's 5 minutes of skew
      const expired = await arm(token);
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('ExpiredAuthenticationToken');
      expect(emu.counters().arm.caeChallenges).toBe(0);
    });

    it('tells tokens issued in the same second before and after the event apart', async () => {
      clock = Math.ceil(clock / 1000) * 1000 + 100;
      const assertion = (await assertionFor()).access_token;
      const before = await armToken(assertion);
      tick(100);
      emu.revokeUser(ALICE);
      tick(100);
      await assertionFor(); // signed in again, 200 ms after the event, in the same second
      const after = await armToken(assertion, { claims: nbfClaims(Math.floor(clock / 1000), CP1) });
      expect(claimsOf(before).iat).toBe(claimsOf(after).iat);
      expect((await arm(before)).status).toBe(401);
      expect((await arm(after)).status).toBe(200);
      expect(emu.counters().arm.caeChallenges).toBe(1);
    });

    it('challenges a disabled user’s CAE token', async () => {
      const token = await armToken((await assertionFor()).access_token);
      tick(1000);
      emu.disableUser(ALICE);
      expect((await arm(token)).status).toBe(401);
      expect(emu.counters().arm.caeChallenges).toBe(1);
    });
  });

  describe('control plane', () => {
    it('lists a user’s events with their times', async () => {
      const start = clock;
      emu.revokeUser(ALICE);
      tick(1000);
      emu.disableUser(ALICE);
      tick(1000);
      emu.enableUser(ALICE);
      tick(1000);
      emu.changePassword(ALICE, 'N3w-Passw0rd!');
      const res = await control(`/_emulator/users/${ALICE}/events`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        disabled: false,
        tokensValidFrom: new Date(start + 3000).toISOString(),
        events: [
          { event: 'sessions_revoked', at: new Date(start).toISOString() },
          { event: 'user_disabled', at: new Date(start + 1000).toISOString() },
          { event: 'user_enabled', at: new Date(start + 2000).toISOString() },
          { event: 'password_changed', at: new Date(start + 3000).toISOString() },
        ],
      });
      expect(JSON.stringify(res.body)).not.toContain('N3w-Passw0rd!');
    });

    it('answers 404 for an unknown user and 400 for a bad password body', async () => {
      for (const path of ['revoke', 'disable', 'enable', 'events']) {
        const res = await control(`/_emulator/users/nobody@example.com/${path}`);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('not_found');
      }
      const unknown = await control('/_emulator/users/nobody@example.com/password', {
        password: 'x',
      });
      expect(unknown.status).toBe(404);
      for (const body of [{}, { password: '' }, { password: 42 }, { password: 'x'.repeat(257) }]) {
        const res = await control(`/_emulator/users/${ALICE}/password`, body);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_request');
      }
      expect((await signIn()).status).toBe(200);
    });
  });
});

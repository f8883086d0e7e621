import type { RunningEmulator } from '../emulator';
import { EmulatorBrowser } from '../testing';
import { ALICE, call, PASSWORD, startTestEmulator, TENANT, WEB } from '../../test/helpers';

const REDIRECT = 'http://localhost:3000/auth/redirect';
const POST_LOGOUT = 'http://localhost:3000/';

/**
 * A tenant as a client nobody here wrote signs out of it: read the discovery document at
 * `{authority}/.well-known/openid-configuration` (no `/v2.0`: what Microsoft's `identity`
 * package reads) or `{authority}/v2.0/...`, follow its `end_session_endpoint`.
 */
interface Tenant {
  name: string;
  authority: (emu: RunningEmulator) => string;
  clientId: string;
  user: { username: string; password: string };
  sessionCookie: string;
  /** The document's issuer. */
  issuer: (emu: RunningEmulator, document: 'v1' | 'v2') => string;
  /** Where the document's end_session_endpoint points. */
  endSession: (emu: RunningEmulator, document: 'v1' | 'v2') => string;
}

const TENANTS: Tenant[] = [
  {
    name: 'workforce',
    authority: (emu) => emu.authority,
    clientId: WEB.clientId,
    user: { username: ALICE, password: PASSWORD },
    sessionCookie: 'emulator_session',
    issuer: (emu, doc) =>
      doc === 'v1' ? `https://sts.windows.net/${TENANT}/` : `${emu.url}/${TENANT}/v2.0`,
    endSession: (emu, doc) => `${emu.authority}/oauth2/${doc === 'v1' ? '' : 'v2.0/'}logout`,
  },
  {
    name: 'External ID (by domain)',
    authority: (emu) => `${emu.url}/obodevciam.onmicrosoft.com`,
    clientId: '0b0ec1a0-0000-4000-8000-000000000101',
    user: { username: 'frank@example.com', password: PASSWORD },
    sessionCookie: 'x-ms-cpim-sso',
    issuer: (emu, doc) =>
      doc === 'v1'
        ? 'https://sts.windows.net/0b0ec1a0-0000-4000-8000-000000000001/'
        : `${emu.url}/0b0ec1a0-0000-4000-8000-000000000001/v2.0`,
    endSession: (emu, doc) =>
      `${emu.url}/obodevciam.onmicrosoft.com/oauth2/${doc === 'v1' ? '' : 'v2.0/'}logout`,
  },
  {
    name: 'B2C (user flow)',
    authority: (emu) => `${emu.url}/obodevb2c.onmicrosoft.com/B2C_1_susi`,
    clientId: '0b0eb2c0-0000-4000-8000-000000000101',
    user: { username: 'erin@example.com', password: PASSWORD },
    sessionCookie: 'x-ms-cpim-sso',
    // B2C has one (v2) document, with or without /v2.0 in its path.
    issuer: (emu) => `${emu.url}/0b0eb2c0-0000-4000-8000-000000000001/v2.0/`,
    endSession: (emu) => `${emu.url}/obodevb2c.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/logout`,
  },
];

/** `{authority}/.well-known/…` (v1 in Entra; B2C's one document) and `{authority}/v2.0/.well-known/…`. */
const DOCUMENTS = [
  ['without /v2.0', 'v1'],
  ['with /v2.0', 'v2'],
] as const;

describe('sign-out through each tenant’s discovery document', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  /** The tenant's discovery document without (`v1`) or with (`v2`) `/v2.0` in its path. */
  const document = (t: Tenant, doc: 'v1' | 'v2') =>
    call(
      emu,
      'GET',
      `${t.authority(emu)}${doc === 'v1' ? '' : '/v2.0'}/.well-known/openid-configuration`,
    );
  const authorizeUrl = (base: string, clientId: string) =>
    `${base}?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid offline_access',
      state: 's',
    })}`;

  describe.each(TENANTS.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    it.each(DOCUMENTS)(
      'the discovery document %s names its issuer, keys and sign-out endpoint',
      async (_where, doc) => {
        const res = await document(t, doc);
        expect(res.status).toBe(200);
        expect(res.body.issuer).toBe(t.issuer(emu, doc));
        expect(res.body.end_session_endpoint).toBe(t.endSession(emu, doc));
        const keys = await call(emu, 'GET', res.body.jwks_uri);
        expect(keys.status).toBe(200);
        expect(keys.body.keys.length).toBeGreaterThan(0);
      },
    );

    it.each(DOCUMENTS)(
      'after sign-out through the document %s the next sign-in asks for the password again',
      async (_where, doc) => {
        const metadata = (await document(t, doc)).body;
        const v2 = (await document(t, 'v2')).body;
        const browser = new EmulatorBrowser(emu.caCert);
        const signIn = authorizeUrl(v2.authorization_endpoint, t.clientId);
        expect((await browser.signIn(signIn, t.user)).params.code).toEqual(expect.any(String));
        // Signed in: the next authorize is single sign-on, no page.
        expect((await browser.get(signIn)).status).toBe(302);

        const logout = new URL(metadata.end_session_endpoint);
        logout.searchParams.set('post_logout_redirect_uri', POST_LOGOUT);
        const out = await browser.get(logout.toString());
        expect(out.status).toBe(302);
        expect(out.headers.location).toBe(POST_LOGOUT);
        const cleared = [out.headers['set-cookie'] ?? []].flat();
        expect(cleared.some((c) => c.startsWith(`${t.sessionCookie}=;`))).toBe(true);

        const again = await browser.get(signIn);
        expect(again.status).toBe(200);
        expect(again.body).toContain('name="passwd"');
      },
    );
  });

  it('v1 sign-out accepts POST, and an unknown tenant gets the AADSTS90002 page', async () => {
    const post = await call(emu, 'POST', `/${TENANT}/oauth2/logout`, {
      form: { post_logout_redirect_uri: POST_LOGOUT, state: 'x' },
    });
    expect(post.status).toBe(302);
    expect(post.headers.location).toBe(`${POST_LOGOUT}?state=x`);
    const unknown = await call(emu, 'GET', '/contoso.onmicrosoft.com/oauth2/logout');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toMatch(/^text\/html/);
    expect(unknown.text).toContain('AADSTS90002');
  });
});

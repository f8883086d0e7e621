import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningEmulator } from './emulator';
import { ALICE, API, PASSWORD, startTestEmulator, TENANT, WEB } from '../test/helpers';

/**
 * Debian's python3-msal (`apt-get install python3-msal`, installed by `.ci/run`) is MSAL 1.21
 * under /usr/bin/python3; a python3 earlier on PATH (pyenv, venv) usually lacks it.
 * MSAL_PYTHON overrides the interpreter.
 */
const PYTHON =
  process.env.MSAL_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const SCRIPT = join(__dirname, '../test/msal_python_client.py');
const available =
  spawnSync(PYTHON, ['-c', 'import msal'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
// Like Redis: .ci/run installs python3-msal, so CI fails without it; a bare machine skips.
if (!available && process.env.CI === 'true') {
  throw new Error(
    `MSAL for Python is required in CI: apt-get install python3-msal (or set MSAL_PYTHON); ${PYTHON} cannot import msal.`,
  );
}
if (!available) {
  // Visible in the test output, never silent; CI fails above instead.
  console.warn(`SKIPPED: MSAL Python tests need python3-msal (${PYTHON} cannot import msal).`);
}
const describeWithMsalPython = available ? describe : describe.skip;
const REDIRECT = 'http://localhost:3000/auth/redirect';
const POST_LOGOUT = 'http://localhost:3000/';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function msalPython(emu: RunningEmulator, config: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [
        SCRIPT,
        JSON.stringify({
          url: emu.url,
          redirect_uri: REDIRECT,
          post_logout_redirect_uri: POST_LOGOUT,
          ...config,
        }),
      ],
      { env: { ...process.env, REQUESTS_CA_BUNDLE: emu.caCertPath }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${PYTHON} failed: ${stderr.slice(-2000)}`));
        resolve(JSON.parse(stdout));
      },
    );
  });
}

/**
 * Microsoft's MSAL for Python (not ours) against the emulator: discovery without `/v2.0`, the
 * sign-in pages, the token response's scope (and so MSAL's cache), OBO, sign-out through the
 * document's end_session_endpoint, and the next sign-in asking for the password again.
 */
/** Signed out through the document's end_session_endpoint: cookie gone, password asked again. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expectSignedOut(out: any, sessionCookie: string) {
  expect(out.cookies_before_sign_out).toContain(sessionCookie);
  expect(out.sign_out).toMatchObject({ status: 302, location: POST_LOGOUT });
  expect(out.sign_out.cookies_after).not.toContain(sessionCookie);
  expect(out.pages_after_sign_out).toEqual(['password']);
}

describeWithMsalPython('MSAL Python (Debian python3-msal) against the emulator', () => {
  jest.setTimeout(60_000);
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(() => emu.stop());

  it('workforce: v1 document, .default sign-in served from cache, OBO scope, sign-out', async () => {
    const out = await msalPython(emu, {
      authority: emu.authority,
      client_id: WEB.clientId,
      client_secret: WEB.clientSecret,
      user: { username: ALICE, password: PASSWORD },
      scopes: [`api://${API.clientId}/.default`],
      prompt: 'select_account',
      obo: {
        client_id: API.clientId,
        client_secret: API.clientSecret,
        scopes: ['https://management.core.windows.net//.default'],
      },
    });
    expect(out.msal_version).toMatch(/^1\./);
    expect(out.document).toEqual({
      issuer: `https://sts.windows.net/${TENANT}/`,
      authorization_endpoint: `${emu.authority}/oauth2/authorize`,
      token_endpoint: `${emu.authority}/oauth2/token`,
      end_session_endpoint: `${emu.authority}/oauth2/logout`,
    });
    expect(out.first_sign_in_pages).toEqual(['password']);
    expect(out.scope).toBe(`api://${API.clientId}/access_as_user api://${API.clientId}/.default`);
    expect(out.silent_from_cache).toBe(true);
    expect(out.prompt_pages).toEqual(['account picker']);
    expect(out.prompt_signed_in).toBe(true);
    expect(out.obo_scope).toBe(
      'https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default',
    );
    expectSignedOut(out, 'emulator_session');
  });

  it('External ID by domain: v1 document, select_account picker, sign-out', async () => {
    const ciam = `${emu.url}/obodevciam.onmicrosoft.com`;
    const out = await msalPython(emu, {
      authority: ciam,
      client_id: '0b0ec1a0-0000-4000-8000-000000000101',
      client_secret: 'obo-ciam-web-dev-secret-not-for-production',
      user: { username: 'frank@example.com', password: PASSWORD },
      scopes: ['api://0b0ec1a0-0000-4000-8000-000000000201/.default'],
      prompt: 'select_account',
    });
    expect(out.document).toEqual({
      issuer: 'https://sts.windows.net/0b0ec1a0-0000-4000-8000-000000000001/',
      authorization_endpoint: `${ciam}/oauth2/authorize`,
      token_endpoint: `${ciam}/oauth2/token`,
      end_session_endpoint: `${ciam}/oauth2/logout`,
    });
    expect(out.scope).toBe(
      'api://0b0ec1a0-0000-4000-8000-000000000201/access_as_user api://0b0ec1a0-0000-4000-8000-000000000201/.default',
    );
    expect(out.silent_from_cache).toBe(true);
    expect(out.prompt_pages).toEqual(['account picker']);
    expect(out.prompt_signed_in).toBe(true);
    expectSignedOut(out, 'x-ms-cpim-sso');
  });

  it('B2C user flow: the document without /v2.0 and sign-out through it', async () => {
    const b2c = `${emu.url}/obodevb2c.onmicrosoft.com/B2C_1_susi`;
    const out = await msalPython(emu, {
      authority: b2c,
      client_id: '0b0eb2c0-0000-4000-8000-000000000101',
      client_secret: 'obo-b2c-web-dev-secret-not-for-production',
      user: { username: 'erin@example.com', password: PASSWORD },
      scopes: ['https://obodevb2c.onmicrosoft.com/api/demo.read'],
    });
    expect(out.document.issuer).toBe(`${emu.url}/0b0eb2c0-0000-4000-8000-000000000001/v2.0/`);
    expect(out.document.end_session_endpoint).toBe(
      `${emu.url}/obodevb2c.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/logout`,
    );
    expect(out.id_token_name).toBe('Erin Example');
    expectSignedOut(out, 'x-ms-cpim-sso');
  });
});

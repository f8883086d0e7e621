import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { workspaceRoot } from '../test/seed';
import { claimsOf, emulatorAsMicrosoft, type EmulatorAsMicrosoft } from './test/namespace';

/** Debian's python3-msal lives under /usr/bin/python3 (a pyenv or venv python usually lacks it). */
const PYTHON = process.env.MSAL_PYTHON ?? '/usr/bin/python3';
/** The MSAL Python driver the emulator's own tests use (sign-in pages, OBO, sign-out). */
const SCRIPT = join(workspaceRoot, 'apps/entra-emulator/test/msal_python_client.py');
const LOGIN = 'https://login.microsoftonline.com';
const { tenantId, web, api } = EMULATOR_DEFAULTS;
const daemon = {
  client_id: '0b0e0000-0000-4000-8000-000000000301',
  client_secret: 'obo-daemon-dev-secret-not-for-production',
};

if (spawnSync(PYTHON, ['-c', 'import msal'], { stdio: 'ignore' }).status !== 0) {
  throw new Error(`MSAL for Python is required: apt-get install python3-msal (${PYTHON})`);
}

/**
 * Microsoft's MSAL for Python (Debian python3-msal 1.21) with its default options — instance
 * discovery and authority validation on — at `https://login.microsoftonline.com/{tenant}`,
 * trusting only the emulator's CA (REQUESTS_CA_BUNDLE): client credentials, the auth code flow
 * through the login page, On-Behalf-Of, and sign-out through the v1 document.
 */
describe('MSAL Python (default options) against login.microsoftonline.com', () => {
  let emulator: EmulatorAsMicrosoft;
  beforeAll(async () => {
    emulator = await emulatorAsMicrosoft();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function msalPython(config: Record<string, unknown>): Promise<any> {
    return new Promise((resolve, reject) =>
      execFile(
        PYTHON,
        [SCRIPT, JSON.stringify(config)],
        {
          env: { PATH: process.env.PATH, REQUESTS_CA_BUNDLE: emulator.caPath },
          timeout: 60_000,
        },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`${PYTHON} failed: ${stderr.slice(-3000)}`))
            : resolve(JSON.parse(stdout)),
      ),
    );
  }

  it('client credentials, auth code through the login page, On-Behalf-Of, sign-out', async () => {
    const authority = `${LOGIN}/${tenantId}`;
    const out = await msalPython({
      url: LOGIN,
      authority,
      msal_options: {},
      client_id: web.clientId,
      client_secret: web.clientSecret,
      redirect_uri: 'http://localhost:3000/auth/redirect',
      post_logout_redirect_uri: 'http://localhost:3000/',
      user: { username: 'alice@obodev.onmicrosoft.com', password: EMULATOR_DEFAULTS.devPassword },
      scopes: [`api://${api.clientId}/access_as_user`],
      client_credentials: { ...daemon, scopes: [`api://${api.clientId}/.default`] },
      obo: {
        client_id: api.clientId,
        client_secret: api.clientSecret,
        scopes: ['https://management.azure.com/user_impersonation'],
      },
    });
    // Client credentials: an app token for the API, issued as login.microsoftonline.com.
    expect(out.client_credentials.error).toBeNull();
    expect(claimsOf(out.client_credentials.access_token)).toMatchObject({
      aud: api.clientId,
      iss: `${LOGIN}/${tenantId}/v2.0`,
      azp: daemon.client_id,
      roles: ['Subscriptions.Read.All'],
    });
    // Auth code: the login page on login.microsoftonline.com, then a v2 user token for the API.
    expect(out.first_sign_in_pages).toEqual(['password']);
    expect(claimsOf(out.access_token)).toMatchObject({
      aud: api.clientId,
      iss: `${LOGIN}/${tenantId}/v2.0`,
      preferred_username: 'alice@obodev.onmicrosoft.com',
    });
    expect(out.silent_from_cache).toBe(true);
    // On-Behalf-Of: the API exchanges alice's token for ARM.
    expect(out.obo_error).toBeNull();
    expect(claimsOf(out.obo_access_token)).toMatchObject({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${tenantId}/`,
      appid: api.clientId,
      scp: 'user_impersonation',
    });
    // Sign-out through the v1 document's end_session_endpoint, on the real host.
    expect(out.document).toEqual({
      issuer: `https://sts.windows.net/${tenantId}/`,
      authorization_endpoint: `${authority}/oauth2/authorize`,
      token_endpoint: `${authority}/oauth2/token`,
      end_session_endpoint: `${authority}/oauth2/logout`,
    });
    expect(out.sign_out).toMatchObject({ status: 302, location: 'http://localhost:3000/' });
    expect(out.pages_after_sign_out).toEqual(['password']);
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, loadApiConfig } from '@obo/config';
import { startEmulator, type RunningEmulator } from '@obo/entra-emulator';
import { claimsOf, passwordGrantToken, writeClientCertificate } from '@obo/testing';
import { MemoryTokenCache, OboClient } from '@obo/token-acquisition';
import { readEnvFile } from './env-file';
import { main } from './main';

/**
 * register-apps against the emulator's Graph, offline: the registrations it makes sign a user
 * in and carry the whole OBO chain to ARM, and a second run changes nothing.
 */
jest.setTimeout(30_000);

describe('register-apps (against the emulator’s Graph)', () => {
  const work = mkdtempSync(join(tmpdir(), 'obo-register-apps-'));
  const outDir = join(work, 'env');
  let emu: RunningEmulator;
  let args: string[];
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, dataDir: join(work, 'emulator'), logger: false });
    // A delegated Graph token for a tenant user (the emulator lets any user register apps).
    const token = await passwordGrantToken(emu, {
      clientId: EMULATOR_DEFAULTS.web.clientId,
      clientSecret: EMULATOR_DEFAULTS.web.clientSecret,
      scopes: ['https://graph.microsoft.com/User.Read'],
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    });
    args = [
      `--graph-url=${emu.url}/graph`,
      `--authority-host=${emu.url}`,
      `--ca=${emu.caCertPath}`,
      `--token=${token}`,
      '--name-prefix=e2e-',
      '--redirect-uri=http://localhost:5173/auth/redirect',
      `--out-dir=${outDir}`,
    ];
  });

  /** Alice's token for the API, through the web app registration a `.env` describes. */
  const userTokenFor = (web: Record<string, string>) =>
    passwordGrantToken(emu, {
      clientId: web.AZURE_CLIENT_ID,
      clientSecret: web.AZURE_CLIENT_SECRET,
      scopes: [web.API_SCOPES],
      username: EMULATOR_DEFAULTS.devUser,
      password: EMULATOR_DEFAULTS.devPassword,
    });

  afterAll(async () => {
    await emu?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('--dry-run prints the writes it would make and changes nothing', async () => {
    const run = await main([...args, '--dry-run'], print);
    expect(run.code).toBe(0);
    const methods = run.result?.writes.map((w) => `${w.method} ${w.path.split('/')[1]}`);
    expect(methods).toEqual(
      expect.arrayContaining(['POST applications', 'PATCH applications', 'POST servicePrincipals']),
    );
    expect(lines.some((l) => l.startsWith('  would POST'))).toBe(true);
    expect(emu.seed.apps.some((a) => a.displayName.startsWith('e2e-'))).toBe(false);
    expect(readEnvFile(join(outDir, 'api.env'))).toEqual({});
  });

  it('registers both apps and writes each .env, printing no secret', async () => {
    lines.length = 0;
    const run = await main(args, print);
    expect(lines.at(-1)).toMatch(/^Done/);
    expect(run.code).toBe(0);
    const api = readEnvFile(join(outDir, 'api.env'));
    const web = readEnvFile(join(outDir, 'web.env'));
    expect(api).toEqual({
      AZURE_TENANT_ID: emu.tenantId,
      AZURE_AUTHORITY_HOST: emu.url,
      AZURE_CLIENT_ID: run.result?.api.appId,
      AZURE_CLIENT_SECRET: expect.any(String),
    });
    expect(web).toMatchObject({
      AZURE_CLIENT_ID: run.result?.web.appId,
      API_SCOPES: `api://${api.AZURE_CLIENT_ID}/access_as_user`,
    });
    expect(statSync(join(outDir, 'web.env')).mode & 0o077).toBe(0);
    const output = lines.join('\n');
    expect(output).toContain(`written to ${join(outDir, 'web.env')}`);
    expect(output).not.toContain(api.AZURE_CLIENT_SECRET);
    expect(output).not.toContain(web.AZURE_CLIENT_SECRET);

    const registered = emu.seed.apps.find((a) => a.clientId === api.AZURE_CLIENT_ID);
    expect(registered).toMatchObject({
      identifierUris: [`api://${api.AZURE_CLIENT_ID}`],
      scopes: ['access_as_user'],
      requestedAccessTokenVersion: 2,
      knownClientApplications: [web.AZURE_CLIENT_ID],
    });
  });

  it('the new registrations carry the OBO chain: user token → OBO (OboClient) → ARM', async () => {
    const api = readEnvFile(join(outDir, 'api.env'));
    const web = readEnvFile(join(outDir, 'web.env'));
    const userToken = await userTokenFor(web);
    expect(claimsOf(userToken)).toMatchObject({ aud: api.AZURE_CLIENT_ID, scp: 'access_as_user' });

    // The API's own configuration, loaded from the .env register-apps wrote.
    const config = loadApiConfig({
      env: { ...api, EXTRA_CA_CERTS: emu.caCertPath, LOG_LEVEL: 'silent' },
      envFile: false,
    });
    expect(config.identity.kind).toBe('entra');
    const obo = new OboClient({
      identity: config.identity,
      client: config.client,
      l1: new MemoryTokenCache(),
    });
    try {
      const result = await obo.acquire({
        assertion: userToken,
        tenantId: emu.tenantId,
        scopes: ['https://management.azure.com/user_impersonation'],
      });
      expect(claimsOf(result.accessToken)).toMatchObject({ appid: api.AZURE_CLIENT_ID });
      const arm = await getJson(
        `${emu.armUrl}/subscriptions?api-version=2022-12-01`,
        result.accessToken,
        emu.caCert,
      );
      expect(arm.status).toBe(200);
      expect((arm.body as { value: unknown[] }).value).toHaveLength(3); // alice's
    } finally {
      obo.close();
    }
  });

  it('a second run changes nothing: no Graph write, no file rewritten', async () => {
    const before = ['api.env', 'web.env'].map((f) => readFileSync(join(outDir, f), 'utf8'));
    const appsBefore = JSON.stringify(emu.seed.apps);
    const run = await main(args, print);
    expect(run.code).toBe(0);
    expect(run.result?.writes).toEqual([]);
    expect(run.result?.envFilesWritten).toEqual([]);
    expect(['api.env', 'web.env'].map((f) => readFileSync(join(outDir, f), 'utf8'))).toEqual(
      before,
    );
    expect(JSON.stringify(emu.seed.apps)).toBe(appsBefore);
  });

  it('--api-certificate: registers the certificate, the .env names it, and OBO signs with it', async () => {
    const certDir = join(work, 'env-cert');
    const certificate = writeClientCertificate('e2e-cert-api');
    const certArgs = [
      ...args.filter((a) => !a.startsWith('--name-prefix') && !a.startsWith('--out-dir')),
      '--name-prefix=e2e-cert-',
      `--out-dir=${certDir}`,
      `--api-certificate=${certificate}`,
    ];
    const run = await main(certArgs, print);
    expect(run.code).toBe(0);
    const api = readEnvFile(join(certDir, 'api.env'));
    const web = readEnvFile(join(certDir, 'web.env'));
    expect(api.AZURE_CLIENT_CERTIFICATE_PATH).toBe(certificate);
    expect(api.AZURE_CLIENT_SECRET).toBeUndefined();
    expect(web.AZURE_CLIENT_SECRET).toEqual(expect.any(String));
    const registered = emu.seed.apps.find((a) => a.clientId === api.AZURE_CLIENT_ID);
    expect(registered?.certificates).toHaveLength(1);
    expect(registered?.secrets).toEqual([]);

    // The API's configuration from that .env authenticates with the certificate (private_key_jwt).
    const userToken = await userTokenFor(web);
    const config = loadApiConfig({
      env: { ...api, EXTRA_CA_CERTS: emu.caCertPath, LOG_LEVEL: 'silent' },
      envFile: false,
    });
    expect(config.client.credential.kind).toBe('certificate');
    const obo = new OboClient({ identity: config.identity, client: config.client });
    try {
      const result = await obo.acquire({
        assertion: userToken,
        tenantId: emu.tenantId,
        scopes: ['https://management.azure.com/user_impersonation'],
      });
      // appidacr 2 (ARM tokens are v1): the client authenticated with a certificate.
      expect(claimsOf(result.accessToken)).toMatchObject({
        appid: api.AZURE_CLIENT_ID,
        appidacr: '2',
      });
    } finally {
      obo.close();
    }

    const again = await main(certArgs, print);
    expect(again.result?.writes).toEqual([]);
    expect(again.result?.envFilesWritten).toEqual([]);
  });

  it('refuses a certificate file without its private key before any Graph call', async () => {
    lines.length = 0;
    const certOnly = join(work, 'cert-only.pem');
    const pem = readFileSync(writeClientCertificate('no-key'), 'utf8');
    writeFileSync(certOnly, pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
    const appsBefore = JSON.stringify(emu.seed.apps);
    const run = await main(
      [
        ...args.filter((a) => !a.startsWith('--name-prefix')),
        '--name-prefix=e2e-nokey-',
        `--web-certificate=${certOnly}`,
      ],
      print,
    );
    expect(run.code).toBe(1);
    expect(lines.join('\n')).toMatch(/holds no private key/);
    expect(JSON.stringify(emu.seed.apps)).toBe(appsBefore); // e2e-nokey-* were not even created
  });

  it('fails with a clear message when Graph refuses the token', async () => {
    lines.length = 0;
    const run = await main(
      [
        ...args.filter((a) => !a.startsWith('--token')),
        '--token=not.a.jwt',
        `--tenant=${emu.tenantId}`,
      ],
      print,
    );
    expect(run.code).toBe(1);
    expect(lines.join('\n')).toMatch(/401 InvalidAuthenticationToken/);
  });
});

function getJson(
  url: string,
  token: string,
  ca: string,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

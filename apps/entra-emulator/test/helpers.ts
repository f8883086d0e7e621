import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS } from '@obo/config';
import forge from 'node-forge';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../src/emulator';

export const WEB = EMULATOR_DEFAULTS.web;
export const API = EMULATOR_DEFAULTS.api;
export const DAEMON = {
  clientId: '0b0e0000-0000-4000-8000-000000000301',
  clientSecret: 'obo-daemon-dev-secret-not-for-production',
};
export const TENANT = EMULATOR_DEFAULTS.tenantId;
export const PASSWORD = 'Passw0rd!';
export const ALICE = 'alice@obodev.onmicrosoft.com';
export const BOB = 'bob@obodev.onmicrosoft.com';
export const CAROL = 'carol@obodev.onmicrosoft.com';
export const DAVE = 'dave@obodev.onmicrosoft.com';
export const API_SCOPE = `api://${API.clientId}/access_as_user`;
export const ARM_SCOPE = 'https://management.azure.com/user_impersonation';

// The default seed's B2C and External ID (CIAM) tenants.
export const B2C_TENANT = 'obodevb2c.onmicrosoft.com';
export const B2C_TID = '0b0eb2c0-0000-4000-8000-000000000001';
export const B2C_WEB = {
  clientId: '0b0eb2c0-0000-4000-8000-000000000101',
  secret: 'obo-b2c-web-dev-secret-not-for-production',
};
export const B2C_API_ID = '0b0eb2c0-0000-4000-8000-000000000201';
export const B2C_SCOPE = 'https://obodevb2c.onmicrosoft.com/api/demo.read';
export const CIAM_TENANT = 'obodevciam.onmicrosoft.com';
export const CIAM_TID = '0b0ec1a0-0000-4000-8000-000000000001';
export const CIAM_WEB = {
  clientId: '0b0ec1a0-0000-4000-8000-000000000101',
  secret: 'obo-ciam-web-dev-secret-not-for-production',
};
/** A local account of both customer tenants. */
export const ERIN = 'erin@example.com';
export const REDIRECT = 'http://localhost:3000/auth/redirect';

/** One temp data dir per test file (the CA is generated once per file). */
const dataDir = mkdtempSync(join(tmpdir(), 'entra-emulator-test-'));

export function startTestEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', dataDir, logger: false, ...options });
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** One HTTPS request to the emulator, trusting its CA. */
export function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  options: {
    form?: Record<string, string>;
    json?: unknown;
    body?: string | Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<CallResult> {
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  let body: string | Buffer | undefined = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  const url = path.startsWith('https://') ? path : `${emu.url}${path}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: emu.caCert, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function tokenPath(tenant: string = TENANT): string {
  return `/${tenant}/oauth2/v2.0/token`;
}

/** Payload of a JWT (no verification). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function claimsOf(token: string): any {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** The web app's authorize URL at the workforce tenant (API scope + OIDC), with `params`. */
export function authorizeUrl(emu: RunningEmulator, params: Record<string, string> = {}): string {
  const url = new URL(`${emu.authority}/oauth2/v2.0/authorize`);
  const all = {
    client_id: WEB.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: `${API_SCOPE} openid profile offline_access`,
    state: 'st-1',
    ...params,
  };
  Object.entries(all).forEach(([k, v]) => url.searchParams.set(k, v));
  return url.toString();
}

/** The form of a password (ROPC) token request by the web app for `username` (default alice). */
export function passwordForm(scope: string, username = ALICE): Record<string, string> {
  return {
    grant_type: 'password',
    client_id: WEB.clientId,
    client_secret: WEB.clientSecret,
    username,
    password: PASSWORD,
    scope,
  };
}

/** A password (ROPC) token request by the web app for `username` (default alice). */
export function passwordGrant(emu: RunningEmulator, scope: string, username = ALICE) {
  return call(emu, 'POST', tokenPath(), { form: passwordForm(scope, username) });
}

/** A delegated Graph token (`User.Read`) for `username`: what the emulator's Graph accepts. */
export async function graphToken(emu: RunningEmulator, username = ALICE): Promise<string> {
  return (await passwordGrant(emu, 'https://graph.microsoft.com/User.Read', username)).body
    .access_token;
}

/** A user token for the API via ROPC (the web app's delegated permission). */
export async function userTokenForApi(emu: RunningEmulator, username = ALICE): Promise<string> {
  const res = await passwordGrant(emu, `${API_SCOPE} openid profile offline_access`, username);
  if (res.status !== 200) throw new Error(`ROPC failed: ${res.text}`);
  return res.body.access_token;
}

export function obo(emu: RunningEmulator, assertion: string, extra: Record<string, string> = {}) {
  return call(emu, 'POST', tokenPath(), {
    form: {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: API.clientId,
      client_secret: API.clientSecret,
      assertion,
      scope: `${ARM_SCOPE} openid profile offline_access`,
      ...extra,
    },
  });
}

/** A self-signed client certificate: PEM, private key, and its SHA-256 thumbprint (base64url and hex). */
export function certificate() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'cert-app' }]);
  cert.setIssuer([{ name: 'commonName', value: 'cert-app' }]);
  const forgeKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  );
  cert.sign(forgeKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const digest = createHash('sha256').update(der).digest();
  return {
    pem,
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    x5tS256: digest.toString('base64url'),
    thumbprintSha256: digest.toString('hex'),
  };
}

/** A route as Express holds it: its methods and its path pattern, mount prefix included. */
export interface RouteEntry {
  methods: string[];
  pattern: string;
}

/**
 * Every route of an Express app (nested routers included), read from Express's own route
 * table: what the app serves, so tests can be held to cover each endpoint.
 */
export function routesOf(app: unknown): RouteEntry[] {
  interface Layer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    rawPath?: string | string[];
  }
  const out: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths)
          out.push({ methods: Object.keys(layer.route.methods), pattern: `${prefix}${path}` });
      } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
        walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
      }
    }
  };
  walk((app as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULTS, findWorkspaceRoot, loadWebConfig, type WebConfig } from '@obo/config';
import {
  EmulatorBrowser,
  loadSeed,
  startEmulator,
  type RunningEmulator,
} from '@obo/entra-emulator';
import { freePort, startNodeProcess, waitFor200 } from '@obo/testing';
import type { Express } from 'express';
import request from 'supertest';

export const PASSWORD = EMULATOR_DEFAULTS.devPassword;
export const ALICE = 'alice@obodev.onmicrosoft.com';
export const BOB = 'bob@obodev.onmicrosoft.com';
export const CAROL = 'carol@obodev.onmicrosoft.com';
export const API_CLIENT_ID = EMULATOR_DEFAULTS.api.clientId;
export const WEB_CLIENT_ID = EMULATOR_DEFAULTS.web.clientId;
/** The redirect URI registered for the web app in the emulator's seed. */
export const REDIRECT_URI = 'http://localhost:3000/auth/redirect';

export const DAVE = 'dave@obodev.onmicrosoft.com';

/**
 * The emulator in-process on a free loopback port; its CA is generated once per machine.
 * `seed` may adjust a copy of the default seed first; `now` is its clock.
 */
export function startTestEmulator(
  seed?: (seed: ReturnType<typeof loadSeed>) => void,
  options: { now?: () => number } = {},
): Promise<RunningEmulator> {
  const dataDir = join(tmpdir(), 'obo-web-test-emulator');
  mkdirSync(dataDir, { recursive: true });
  let adjusted: ReturnType<typeof loadSeed> | undefined;
  if (seed) {
    adjusted = structuredClone(loadSeed());
    seed(adjusted);
  }
  return startEmulator({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logger: false,
    seed: adjusted,
    now: options.now,
  });
}

/**
 * Starts the test emulator before the suite (trusted by the test browser) and stops it after;
 * returns a getter for it.
 */
export function useTestEmulator(): () => RunningEmulator {
  let emu: RunningEmulator | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator();
    trustEmulator(emu);
  });
  afterAll(async () => {
    await emu?.stop();
  });
  return () => {
    if (!emu) throw new Error('the emulator has not started');
    return emu;
  };
}

/** The real API (its esbuild bundle, apps/api/dist/main.js) running against the emulator. */
export interface ApiBundle {
  url: string;
  /** Everything it logged so far (for failure messages and log assertions). */
  output(): string;
  /** Resolves with the output once it matches `pattern` (log lines arrive through a pipe). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the API exactly as it is deployed — `node apps/api/dist/main.js`, configured only
 * through its environment — on a free loopback port, pointed at `emu`, and waits for
 * `/readyz`. The `@obo/web:test` target builds the bundle first; a bundle older than any of
 * its sources (jest run directly after an edit) is refused with the command that rebuilds it.
 */
export async function startApiBundle(
  emu: RunningEmulator,
  env: Record<string, string> = {},
): Promise<ApiBundle> {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'obo-web-test-api-'));
  const script = join(findWorkspaceRoot(__dirname), 'apps', 'api', 'dist', 'main.js');
  const child = startNodeProcess(
    'api',
    script,
    {
      HOST: '127.0.0.1',
      PORT: String(port),
      AZURE_AUTHORITY_HOST: emu.url,
      EXTRA_CA_CERTS: emu.caCertPath,
      LOG_LEVEL: 'info',
      ...env,
    },
    cwd,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${url}/readyz`, child);
  } catch (error) {
    await child.stop('SIGKILL', 1000);
    throw error;
  }
  return {
    url,
    output: child.output,
    waitForOutput: async (pattern, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(child.output())) {
        if (Date.now() > deadline) {
          throw new Error(`the API never logged ${pattern}:\n${child.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return child.output();
    },
    stop: async () => {
      await child.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** Web config pointing at the test emulator and an API, as the brief prescribes. */
export function webConfigFor(
  emu: RunningEmulator,
  apiUrl: string,
  env: Record<string, string> = {},
): WebConfig {
  return loadWebConfig({
    env: {
      EXTRA_CA_CERTS: emu.caCertPath,
      AZURE_AUTHORITY_HOST: emu.url,
      PUBLIC_URL: 'http://localhost:3000',
      API_BASE_URL: apiUrl,
      LOG_LEVEL: 'silent',
      ...env,
    },
    envFile: false,
  });
}

/**
 * Completes a sign-in the app started: follows the authorize URL through the emulator's pages
 * (password form, account picker, MFA, consent) over HTTPS, then calls the app's redirect path
 * with the code. Returns where the app sent the browser afterwards.
 */
export async function completeSignIn(
  agent: request.Agent,
  authorizeUrl: string,
  username: string,
): Promise<string> {
  const browser = new EmulatorBrowser(emuCaFor(authorizeUrl));
  const result = await browser.signIn(authorizeUrl, { username, password: PASSWORD });
  if (result.redirectUri !== REDIRECT_URI) {
    throw new Error(`emulator redirected to ${result.redirectUri}`);
  }
  const back = await agent.get('/auth/redirect').query(result.params);
  if (back.status !== 302)
    throw new Error(`redirect answered ${back.status}: ${back.text.slice(0, 300)}`);
  return back.headers.location as string;
}

/** `/login` → emulator → redirect path; returns where the app sent the browser afterwards. */
export async function signIn(
  agent: request.Agent,
  username: string,
  loginPath = '/login',
): Promise<string> {
  const start = await agent.get(loginPath).expect(302);
  return completeSignIn(agent, start.headers.location as string, username);
}

/** A sign-in started without a cookie jar: the `/login` answer and the emulator's answer. */
export interface StartedSignIn {
  start: request.Response;
  /** The query the emulator sent back to the redirect path (code, state, …). */
  params: Record<string, string>;
  /** The pending-sign-in cookie (`name=value`) `/login` set. */
  pendingCookie: string;
}

/** `/login` on `app` (with `cookie`, if given) → the emulator's login form as `username`. */
export async function startSignIn(
  app: Express,
  username: string,
  options: { loginPath?: string; cookie?: string } = {},
): Promise<StartedSignIn> {
  const login = request(app).get(options.loginPath ?? '/login');
  const start = await (options.cookie ? login.set('cookie', options.cookie) : login).expect(302);
  const location = start.headers.location as string;
  const result = await new EmulatorBrowser(emuCaFor(location)).signIn(location, {
    username,
    password: PASSWORD,
  });
  const pendingCookie = pendingCookieOf(start);
  if (!pendingCookie) throw new Error('/login set no pending-sign-in cookie');
  return { start, params: result.params, pendingCookie };
}

/** The redirect of a started sign-in on `app`, carrying its pending cookie (and `cookie`). */
export function finishSignIn(app: Express, started: StartedSignIn, cookie?: string): request.Test {
  return request(app)
    .get('/auth/redirect')
    .query(started.params)
    .set('cookie', cookie ? `${cookie}; ${started.pendingCookie}` : started.pendingCookie);
}

const caByOrigin = new Map<string, string>();

/** Registers the emulator's CA for the test browser. */
export function trustEmulator(emu: RunningEmulator): void {
  caByOrigin.set(new URL(emu.url).origin, emu.caCert);
}

function emuCaFor(url: string): string {
  const ca = caByOrigin.get(new URL(url).origin);
  if (!ca) throw new Error(`no CA registered for ${url}: call trustEmulator(emu)`);
  return ca;
}

/** The session cookie (`name=value`) from a response, if it set one. */
export function sessionCookieOf(res: request.Response): string | undefined {
  return cookieOf(res, 'obo.web.sid');
}

/** The pending-sign-in cookie (`name=value`) from a response, if it set one. */
export function pendingCookieOf(res: request.Response): string | undefined {
  return cookieOf(res, 'obo.web.signin');
}

function cookieOf(res: request.Response, name: string): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

/** The CSRF token in a rendered page's sign-out form. */
export function csrfTokenOf(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
}

/**
 * The web sign-in round trip without a browser: GET /login → the emulator's authorize page →
 * login form post (the emulator's own EmulatorBrowser, keep-alive like a browser) → the web
 * app's callback, which redeems the code. A fresh browser per sign-in (no SSO cookie).
 */
import { EMULATOR_DEFAULTS } from '@obo/config';
import { EmulatorBrowser } from '@obo/entra-emulator';
import { request } from '../http';
import type { Emulator, Server } from '../stack';
import { summarize, type LatencySummary } from '../stats';

/** The `name=value` of one cookie the web app set (its sign-in-in-progress cookie). */
function cookieOf(setCookie: string[] | undefined, name: string): string {
  const found = (setCookie ?? []).find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`the web app set no ${name} cookie`);
  return found.split(';')[0];
}

/** One sign-in; resolves with its duration in ms once the callback answered. */
async function signInOnce(emu: Emulator, web: Server, username: string): Promise<number> {
  const browser = new EmulatorBrowser(emu.ca, { keepAlive: true });
  const started = performance.now();
  try {
    const login = await request(`${web.url}/login`);
    if (login.status !== 302) throw new Error(`GET /login answered ${login.status}`);
    const pending = cookieOf(login.headers['set-cookie'], 'obo.web.signin');
    const result = await browser.signIn(String(login.headers.location), {
      username,
      password: EMULATOR_DEFAULTS.devPassword,
    });
    if (result.params.error)
      throw new Error(`the emulator refused the sign-in: ${result.params.error}`);
    const callback = new URL(result.redirectUri);
    const back = await request(
      `${web.url}${callback.pathname}?${new URLSearchParams(result.params)}`,
      { headers: { cookie: pending } },
    );
    const location = String(back.headers.location ?? '');
    if (back.status !== 302 || /error/i.test(location)) {
      throw new Error(
        `sign-in callback answered ${back.status} ${location}: ${back.body.slice(0, 200)}`,
      );
    }
    return performance.now() - started;
  } finally {
    browser.close();
  }
}

export interface SignInResult {
  signIns: number;
  latency: LatencySummary;
}

/** `count` sequential sign-ins of the development user. */
export async function signIns(emu: Emulator, web: Server, count: number): Promise<SignInResult> {
  await signInOnce(emu, web, EMULATOR_DEFAULTS.devUser); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < count; i++)
    latencies.push(await signInOnce(emu, web, EMULATOR_DEFAULTS.devUser));
  return { signIns: count, latency: summarize(latencies) };
}

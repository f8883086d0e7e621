/**
 * The web sign-in round trip without a browser: GET /login → the emulator's authorize page →
 * login form post → redirect (or form_post) back to the web app's callback, which redeems the
 * code. One cookie jar per sign-in (cookies are not port-scoped, and the names differ).
 */
import https from 'node:https';
import { EMULATOR_DEFAULTS } from '@obo/config';
import { request, type Reply } from '../http';
import type { Emulator, Server } from '../stack';
import { summarize, type LatencySummary } from '../stats';

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x2F;/gi, '/')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function parseForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { action: unescapeHtml(action), fields };
}

class Jar {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly tls: https.Agent) {}

  async send(url: string, method: 'GET' | 'POST', form?: Record<string, string>): Promise<Reply> {
    // The servers listen on loopback; "localhost" may resolve to ::1 first.
    const target = url.replace('://localhost:', '://127.0.0.1:');
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size)
      headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = form ? new URLSearchParams(form).toString() : undefined;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const reply = await request(target, {
      method,
      headers,
      body,
      agent: target.startsWith('https:') ? this.tls : undefined,
    });
    for (const cookie of reply.headers['set-cookie'] ?? []) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return reply;
  }
}

/** One sign-in; resolves with its duration in ms once the callback answered. */
async function signInOnce(
  emu: Emulator,
  web: Server,
  tls: https.Agent,
  username: string,
): Promise<number> {
  const jar = new Jar(tls);
  const started = performance.now();
  let url = `${web.url}/login`;
  let reply = await jar.send(url, 'GET');
  for (let step = 0; step < 12; step++) {
    const onWeb = !url.startsWith(emu.url);
    if (onWeb && new URL(url).pathname === '/auth/redirect') {
      const location = String(reply.headers.location ?? '');
      if (reply.status === 302 && !/error/i.test(location)) return performance.now() - started;
      throw new Error(
        `sign-in callback answered ${reply.status} ${location}: ${reply.body.slice(0, 200)}`,
      );
    }
    if (reply.status >= 300 && reply.status < 400) {
      url = new URL(String(reply.headers.location), url).toString();
      reply = await jar.send(url, 'GET');
      continue;
    }
    const form = reply.status === 200 ? parseForm(reply.body) : undefined;
    if (!form) throw new Error(`sign-in stopped at ${url} with ${reply.status}`);
    const action = new URL(form.action, url).toString();
    let fields = form.fields;
    if (reply.body.includes('name="passwd"')) {
      fields = { ...fields, login: username, passwd: EMULATOR_DEFAULTS.devPassword };
    } else if (reply.body.includes('name="accept"')) {
      fields = { ...fields, accept: 'yes' };
    } else if (action.startsWith(emu.url)) {
      throw new Error(`unexpected sign-in page at ${url}`);
    }
    url = action;
    reply = await jar.send(url, 'POST', fields);
  }
  throw new Error('sign-in did not finish in 12 steps');
}

export interface SignInResult {
  signIns: number;
  latency: LatencySummary;
}

/** `count` sequential sign-ins of the development user. */
export async function signIns(emu: Emulator, web: Server, count: number): Promise<SignInResult> {
  const tls = new https.Agent({ keepAlive: true, ca: emu.ca });
  await signInOnce(emu, web, tls, EMULATOR_DEFAULTS.devUser); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < count; i++)
    latencies.push(await signInOnce(emu, web, tls, EMULATOR_DEFAULTS.devUser));
  tls.destroy();
  return { signIns: count, latency: summarize(latencies) };
}

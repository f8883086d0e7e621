import { request as httpsRequest, Agent } from 'node:https';
import type { LookupFunction } from 'node:net';

/** A response as the test browser saw it. */
export interface BrowserResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What the sign-in ended with: the redirect (or form_post) to the client and its parameters. */
export interface SignInResult {
  /** The redirect URI the emulator sent the browser to (without parameters). */
  redirectUri: string;
  /** `code`, `state`, `session_state` — or `error`, `error_description`, `state`. */
  params: Record<string, string>;
}

const unescapeHtml = (s: string) =>
  s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

/**
 * A minimal cookie-keeping browser for the emulator's sign-in pages (no JavaScript, like the
 * pages themselves). For integration tests that need an authorization code without Chromium.
 */
export class EmulatorBrowser {
  private readonly cookies = new Map<string, string>();
  private readonly agent: Agent;

  /**
   * `lookup` resolves host names instead of the system resolver: for an emulator known to its
   * clients by a name this machine cannot resolve (a container's network alias). `keepAlive`
   * reuses connections across requests, as a real browser does (default false).
   */
  constructor(ca: string | Buffer, options: { lookup?: LookupFunction; keepAlive?: boolean } = {}) {
    this.agent = new Agent({ ca, keepAlive: options.keepAlive ?? false, lookup: options.lookup });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  get(url: string): Promise<BrowserResponse> {
    return this.send(url, 'GET');
  }

  post(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    return this.send(url, 'POST', new URLSearchParams(form).toString());
  }

  /**
   * Opens `authorizeUrl` and completes the pages: password form (`login`/`passwd`), account
   * picker (picks `username`), MFA approval and consent (accepted unless `consent: 'decline'`).
   * Resolves when the emulator hands the browser back to the client.
   */
  async signIn(
    authorizeUrl: string,
    user: { username?: string; password?: string; consent?: 'accept' | 'decline' } = {},
  ): Promise<SignInResult> {
    const origin = new URL(authorizeUrl).origin;
    let res = await this.get(authorizeUrl);
    for (let step = 0; step < 10; step++) {
      if (res.status === 302 || res.status === 303) {
        const location = String(res.headers.location);
        const target = new URL(location, origin);
        if (target.origin === origin && !location.startsWith('http://')) {
          res = await this.get(target.toString());
          continue;
        }
        return resultFrom(target);
      }
      const form = parseForm(res.body);
      if (res.status !== 200 || !form) {
        throw new Error(`Sign-in stopped at HTTP ${res.status}: ${textOf(res.body).slice(0, 300)}`);
      }
      const action = new URL(form.action, origin);
      if (action.origin !== origin) {
        return { redirectUri: action.toString(), params: form.fields };
      }
      if (res.body.includes('name="passwd"')) {
        if (!user.username || !user.password)
          throw new Error('Sign-in needs a username and password.');
        res = await this.post(action.toString(), {
          ...form.fields,
          login: user.username,
          passwd: user.password,
        });
      } else if (res.body.includes('name="account"')) {
        const chosen = accountFor(res.body, user.username);
        res = await this.post(action.toString(), { ...form.fields, account: chosen });
      } else if (res.body.includes('name="approve"')) {
        res = await this.post(action.toString(), { ...form.fields, approve: 'yes' });
      } else if (res.body.includes('name="accept"')) {
        res = await this.post(action.toString(), {
          ...form.fields,
          accept: user.consent === 'decline' ? 'no' : 'yes',
        });
      } else {
        throw new Error(`Unexpected sign-in page: ${textOf(res.body).slice(0, 300)}`);
      }
      if (res.body.includes('id="passwordError"')) {
        throw new Error(
          `Sign-in refused: ${textOf(res.body).match(/AADSTS\d+[^<]*/)?.[0] ?? 'bad credentials'}`,
        );
      }
    }
    throw new Error('Sign-in did not finish within 10 steps.');
  }

  /**
   * Posts the form on `page` (its hidden fields plus `values`): for the B2C/CIAM sign-up,
   * password-reset and edit-profile pages, whose fields `signIn` does not know.
   */
  submit(page: BrowserResponse, pageUrl: string, values: Record<string, string>) {
    const form = parseForm(page.body);
    if (page.status !== 200 || !form) {
      throw new Error(`No form on HTTP ${page.status}: ${textOf(page.body).slice(0, 300)}`);
    }
    return this.post(new URL(form.action, pageUrl).toString(), { ...form.fields, ...values });
  }

  /** The absolute URL of the link with `id` on `page` (e.g. `createAccount`, `forgotPassword`). */
  link(page: BrowserResponse, id: string, pageUrl: string): string {
    const href = new RegExp(`<a id="${id}" href="([^"]*)"`).exec(page.body)?.[1];
    if (href === undefined) throw new Error(`No link #${id} on the page.`);
    return new URL(unescapeHtml(href), pageUrl).toString();
  }

  /**
   * Follows the emulator's redirects from `res` until it hands the browser back to the client;
   * throws when a page (e.g. a form with an error) comes first.
   */
  async finish(res: BrowserResponse, pageUrl: string): Promise<SignInResult> {
    const origin = new URL(pageUrl).origin;
    for (let step = 0; step < 10; step++) {
      if (res.status !== 302 && res.status !== 303) {
        throw new Error(
          `Expected a redirect, got HTTP ${res.status}: ${textOf(res.body).slice(0, 300)}`,
        );
      }
      const target = new URL(String(res.headers.location), origin);
      if (target.origin !== origin) return resultFrom(target);
      res = await this.get(target.toString());
    }
    throw new Error('Too many redirects.');
  }

  private send(url: string, method: 'GET' | 'POST', body?: string): Promise<BrowserResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: 'text/html' };
      if (this.cookies.size > 0)
        headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined) {
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const req = httpsRequest(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const cookie of res.headers['set-cookie'] ?? []) {
            const [pair] = cookie.split(';');
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq).trim();
            const value = pair.slice(eq + 1).trim();
            if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parseForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { action: unescapeHtml(action), fields };
}

function accountFor(html: string, username?: string): string {
  const buttons = [...html.matchAll(/name="account" value="([^"]*)">([\s\S]*?)<\/button>/g)];
  const match = buttons.find(
    (b) => username && b[2].toLowerCase().includes(username.toLowerCase()),
  );
  return match ? unescapeHtml(match[1]) : 'other';
}

function resultFrom(target: URL): SignInResult {
  const params: Record<string, string> = {};
  const source = target.hash ? new URLSearchParams(target.hash.slice(1)) : target.searchParams;
  source.forEach((v, k) => (params[k] = v));
  return { redirectUri: `${target.origin}${target.pathname}`, params };
}

function textOf(html: string): string {
  return unescapeHtml(html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

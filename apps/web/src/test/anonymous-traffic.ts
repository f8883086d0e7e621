import type { Server } from 'node:http';
import type { Express } from 'express';
import request from 'supertest';

/**
 * Requests anyone can send without signing in — cookieless, with forged or malformed cookies,
 * bad redirects, sign-in starts — the traffic a flood is made of.
 */
export const ANONYMOUS_REQUESTS: readonly ((app: Server) => request.Test)[] = [
  (app) => request(app).get('/login'),
  (app) => request(app).get('/login?returnTo=%2Fsubscriptions'),
  (app) => request(app).get('/login?returnTo=%2F%2Fevil.example'),
  (app) => request(app).get('/'),
  (app) => request(app).get('/profile'),
  (app) => request(app).get('/subscriptions'),
  (app) => request(app).get('/journey'),
  (app) => request(app).get('/edit-profile'),
  (app) => request(app).get('/logout'),
  (app) => request(app).post('/logout').type('form').send({ _csrf: 'forged' }),
  (app) => request(app).get('/auth/redirect?state=forged&code=abc'),
  (app) => request(app).get('/auth/redirect?error=access_denied&error_description=x'),
  (app) => request(app).get('/auth/redirect?state=a&state=b&code[x]=1'),
  (app) => request(app).get('/').set('cookie', 'obo.web.sid=s%3Aforged.c2lnbmF0dXJl'),
  (app) => request(app).get('/profile').set('cookie', 'obo.web.sid=%E0%A4%A'),
  (app) =>
    request(app).get('/auth/redirect?state=x&code=y').set('cookie', 'obo.web.signin=garbage'),
  (app) =>
    request(app)
      .get('/auth/redirect?state=x&code=y')
      .set('cookie', `obo.web.signin=${'A'.repeat(6000)}`),
  (app) =>
    request(app)
      .post('/logout')
      .set('content-type', 'application/x-www-form-urlencoded')
      .set('content-encoding', 'gzip')
      .send('not gzip'),
  (app) =>
    request(app)
      .post('/logout')
      .set('content-type', 'application/x-www-form-urlencoded')
      .send('_csrf=%ZZ&%'),
  (app) => request(app).get('/nope'),
];

/**
 * Sends `count` anonymous requests (the kinds above, round robin, `concurrency` at a time) and
 * returns how often each status came back. Throws on any 5xx and on any session cookie.
 */
export async function floodAnonymously(
  app: Express,
  count: number,
  concurrency = 16,
): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  // One listening server for the whole flood (supertest would start one per request).
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const res = await ANONYMOUS_REQUESTS[n % ANONYMOUS_REQUESTS.length](server);
      const kind = n % ANONYMOUS_REQUESTS.length;
      if (res.status >= 500) throw new Error(`anonymous request #${kind} got ${res.status}`);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      if (cookies.some((c) => /^obo\.web\.sid=[^;]/.test(c))) {
        throw new Error(`anonymous request #${kind} was given a session cookie`);
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return statuses;
}

import pino from 'pino';
import request from 'supertest';
import { createApp, type WebApp } from './app';
import { ANONYMOUS_REQUESTS, floodAnonymously } from './test/anonymous-traffic';
import { offlineConfig, sessionCount, silentLogger } from './test/config';

/** HTTP behaviour that needs no identity provider (the sign-in flow is in the integration spec). */
describe('web app (offline)', () => {
  let web: WebApp;

  beforeAll(() => {
    web = createApp(offlineConfig(), { logger: silentLogger });
  });
  afterAll(() => web.close());

  it('serves the anonymous home page with a sign-in link and strict headers', async () => {
    const res = await request(web.app).get('/').expect(200);
    expect(res.text).toContain('href="/login"');
    expect(res.text).toContain('href="/profile"');
    expect(res.text).toContain('href="/subscriptions"');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("form-action 'self' https://localhost:8443");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-correlation-id']).toMatch(/^[\w-]+$/);
  });

  it('serves the stylesheet locally', async () => {
    const res = await request(web.app).get('/static/app.css').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
  });

  it('answers /healthz and /readyz', async () => {
    await request(web.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(web.app).get('/readyz').expect(200);
    expect(ready.body.status).toBe('ready');
  });

  it('shows a 401 page on /profile when signed out (not a redirect)', async () => {
    const res = await request(web.app).get('/profile').expect(401);
    expect(res.text).toContain('Sign-in required');
    expect(res.text).toContain('/login?returnTo=%2Fprofile');
  });

  it('sends signed-out visitors of /subscriptions to sign in', async () => {
    const res = await request(web.app).get('/subscriptions').expect(302);
    expect(res.headers.location).toBe('/login?returnTo=%2Fsubscriptions');
  });

  it('answers unknown routes with the 404 page', async () => {
    const res = await request(web.app).get('/nope').expect(404);
    expect(res.text).toContain('Page not found');
  });

  it('redirects /login to the authorize endpoint with PKCE, state, nonce and cp1', async () => {
    const res = await request(web.app).get('/login?returnTo=/subscriptions').expect(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://localhost:8443/0b0e0000-0000-4000-8000-000000000001/oauth2/v2.0/authorize',
    );
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('0b0e0000-0000-4000-8000-000000000101');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe('http://localhost:3000/auth/redirect');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{40,}$/);
    expect(q.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining([
        'openid',
        'profile',
        'offline_access',
        'api://0b0e0000-0000-4000-8000-000000000201/access_as_user',
      ]),
    );
    expect(JSON.parse(q.get('claims') ?? '{}').access_token).toEqual({
      xms_cc: { values: ['cp1'] },
    });
    // The pending sign-in goes into a sealed, short-lived cookie; no server session is made.
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookies.some((c) => c.startsWith('obo.web.sid='))).toBe(false);
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0];
    expect(cookie).toMatch(/^obo\.web\.signin=[\w-]{100,};/);
    expect(cookie).toMatch(/; Max-Age=600;/);
    expect(cookie).toMatch(/; Path=\/;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // Sealed: neither the state nor the nonce can be read from it.
    expect(cookie).not.toContain(q.get('state'));
    expect(cookie).not.toContain(q.get('nonce'));
  });

  it('marks the sign-in cookie Secure behind a trusted TLS proxy', async () => {
    const proxied = createApp(offlineConfig({ TRUST_PROXY: 'loopback' }), { logger: silentLogger });
    try {
      const res = await request(proxied.app)
        .get('/login')
        .set('x-forwarded-proto', 'https')
        .expect(302);
      expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('renders IdP errors on the redirect as the escaped auth error page (400)', async () => {
    const res = await request(web.app)
      .get('/auth/redirect')
      .query({ error: 'access_denied', error_description: '<script>alert(1)</script> AADSTS65004' })
      .expect(400);
    expect(res.text).toContain('access_denied');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; AADSTS65004');
    expect(res.text).not.toContain('<script>');
  });

  it('refuses a redirect whose state matches no pending sign-in (400)', async () => {
    const agent = request.agent(web.app);
    await agent.get('/login').expect(302);
    const res = await agent
      .get('/auth/redirect')
      .query({ code: 'abc', state: 'forged' })
      .expect(400);
    expect(res.text).toContain('state_mismatch');
    await agent.get('/auth/redirect').query({ code: 'abc' }).expect(400);
  });

  it('refuses POST /logout without a CSRF token (403)', async () => {
    const res = await request(web.app).post('/logout').type('form').send({}).expect(403);
    expect(res.text).toContain('invalid_csrf_token');
  });

  it('limits form bodies', async () => {
    await request(web.app)
      .post('/logout')
      .type('form')
      .send({ _csrf: 'x'.repeat(10_000) })
      .expect(413);
  });

  it('keeps no server session for anonymous traffic (the store never grows)', async () => {
    const statuses = await floodAnonymously(web.app, 20 * ANONYMOUS_REQUESTS.length);
    expect(Object.keys(statuses).map(Number).sort()).toEqual([200, 302, 400, 401, 403, 404]);
    expect(await sessionCount(web)).toBe(0);
  });

  it('logs one line per request with its error code, but not the /healthz probes', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const logged = createApp(offlineConfig(), { logger });
    try {
      await request(logged.app).get('/healthz').expect(200);
      await request(logged.app)
        .get('/nope?code=SECRET-CODE')
        .set('x-correlation-id', 'web:1')
        .expect(404);
      const requests = lines.filter((l) => l.msg === 'request completed');
      expect(requests).toEqual([
        expect.objectContaining({
          req: { method: 'GET', url: '/nope' },
          res: { statusCode: 404 },
          correlationId: 'web:1',
          errorCode: 'not_found',
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('SECRET-CODE');
    } finally {
      await logged.close();
    }
  });

  it('sends GET /logout of an anonymous visitor home', async () => {
    const res = await request(web.app).get('/logout').expect(302);
    expect(res.headers.location).toBe('/');
  });
});

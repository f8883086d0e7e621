import express from 'express';
import request from 'supertest';
import { correlation, createLogger, requestLog } from './index';
import { logLines } from './test/log-lines';

function appWithLog(level = 'info', skip?: string[]) {
  const { lines, destination } = logLines();
  const logger = createLogger({ name: 'test', level, destination });
  const app = express();
  app.use(correlation());
  app.use(requestLog(logger, { skip }));
  app.get('/ok', (_req, res) => {
    res.locals.timings = { validateMs: 0.5 };
    res.json({ ok: true });
  });
  app.get('/fail', (_req, res) => {
    res.locals.errorCode = 'upstream_down';
    res.status(502).json({});
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/hang', () => undefined);
  return { app, lines };
}

describe('requestLog', () => {
  it('writes one line: method, path without query, status, time, correlation id, timings', async () => {
    const { app, lines } = appWithLog();
    await request(app).get('/ok?code=SECRET-CODE&state=s').set('x-correlation-id', 'c-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'GET', url: '/ok' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      correlationId: 'c-1',
      timings: { validateMs: 0.5 },
    });
    expect(JSON.stringify(lines)).not.toContain('SECRET-CODE');
  });

  it('logs 5xx answers as errors, with the error code the app set', async () => {
    const { app, lines } = appWithLog();
    await request(app).get('/fail').expect(502);
    expect(lines[0]).toMatchObject({
      level: 50,
      res: { statusCode: 502 },
      errorCode: 'upstream_down',
    });
  });

  it('logs a request the client abandoned as a warning', async () => {
    const { app, lines } = appWithLog();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const aborted = request(`http://127.0.0.1:${port}`).get('/hang').timeout(100);
    await expect(aborted).rejects.toThrow();
    const deadline = Date.now() + 2000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    server.closeAllConnections();
    server.close();
    expect(lines[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { url: '/hang' } });
  });

  it('skips the paths it is told to skip', async () => {
    const { app, lines } = appWithLog('info', ['/healthz']);
    await request(app).get('/healthz').expect(200);
    await request(app).get('/healthz?x=1').expect(200);
    expect(lines).toEqual([]);
    await request(app).get('/ok').expect(200);
    expect(lines).toHaveLength(1);
  });

  it('writes nothing when the level is off', async () => {
    const { app, lines } = appWithLog('warn');
    await request(app).get('/ok').expect(200);
    expect(lines).toEqual([]);
  });
});

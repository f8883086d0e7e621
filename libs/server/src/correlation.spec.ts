import express from 'express';
import request from 'supertest';
import { correlation, CORRELATION_ID_FORMAT } from './index';

describe('correlation()', () => {
  const app = express();
  app.use(correlation());
  app.get('/', (req, res) => {
    res.json({ local: res.locals.correlationId, header: req.headers['x-correlation-id'] });
  });

  it.each(['abc-123', '0b0e0000-0000-4000-8000-000000000001', 'web:4f2a.9_b', 'x'.repeat(64)])(
    'keeps the caller’s id %p everywhere',
    async (id) => {
      const res = await request(app).get('/').set('x-correlation-id', id).expect(200);
      expect(res.headers['x-correlation-id']).toBe(id);
      expect(res.body).toEqual({ local: id, header: id });
    },
  );

  it.each([
    ['a space', 'bad id'],
    ['markup', '<script>'],
    ['a quote', 'a"b'],
    ['a slash', 'a/b'],
    ['65 characters', 'x'.repeat(65)],
    ['non-ASCII', 'café'],
  ])('replaces an id with %s by a fresh UUID, in the request too', async (_name, id) => {
    const res = await request(app).get('/').set('x-correlation-id', encodeURI(id)).expect(200);
    expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.local).toBe(res.headers['x-correlation-id']);
    expect(res.body.header).toBe(res.headers['x-correlation-id']);
  });

  it('makes one up when the caller sends none, different per request', async () => {
    const [a, b] = await Promise.all([request(app).get('/'), request(app).get('/')]);
    expect(a.headers['x-correlation-id']).toMatch(CORRELATION_ID_FORMAT);
    expect(a.headers['x-correlation-id']).not.toBe(b.headers['x-correlation-id']);
  });
});

import request from 'supertest';
import { API, DAEMON, TENANT } from '../test/helpers';
import { createEmulatorApp } from './app';

/** The Express app without a port, for supertest (plain HTTP; issuer still the public URL). */
describe('createEmulatorApp', () => {
  const { app, controls } = createEmulatorApp({ publicUrl: 'https://emulator.test:9443' });

  it('serves discovery with the public URL as issuer', async () => {
    const res = await request(app)
      .get(`/${TENANT}/v2.0/.well-known/openid-configuration`)
      .expect(200);
    expect(res.body.issuer).toBe(`https://emulator.test:9443/${TENANT}/v2.0`);
  });

  it('issues tokens and counts them', async () => {
    const res = await request(app)
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: DAEMON.clientId,
        client_secret: DAEMON.clientSecret,
        scope: `api://${API.clientId}/.default`,
      })
      .expect(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(controls.counters().token.client_credentials).toBe(1);
  });

  it('sets security headers without HSTS (it would break http://localhost apps)', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a bad ARM page size at construction', () => {
    expect(() => createEmulatorApp({ armPageSize: 0 })).toThrow(/armPageSize/);
  });
});

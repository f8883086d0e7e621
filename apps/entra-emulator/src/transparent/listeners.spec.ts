import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { RunningEmulator } from '../emulator';
import { startTestEmulator, TENANT } from '../../test/helpers';
import { ConnectTunnel } from './tunnel';

const LOGIN = 'login.microsoftonline.com';
const DOCUMENT = `/${TENANT}/v2.0/.well-known/openid-configuration`;

/** The peer certificate the emulator presents for `servername` on its transparent port. */
function certificateFor(emu: RunningEmulator, servername: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port: emu.transparentPort, servername, ca: emu.caCert },
      () => {
        resolve(new X509Certificate(socket.getPeerCertificate(true).raw));
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

/** GET over HTTPS; `options` say how the connection is made (a port, a tunnel). */
function get(options: RequestOptions): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // A connection of its own: no pooled agent (with `createConnection`, none at all).
    request({ agent: options.createConnection ? undefined : false, ...options }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

/** The proxy's answer to `CONNECT target` (status line only). */
function connectStatus(proxyUrl: string, target: string): Promise<number> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    httpRequest({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target })
      .on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject)
      .end();
  });
}

/**
 * Transparent mode's listeners, for real: the port that answers as Microsoft's hosts with a
 * certificate per host chosen by SNI, the HTTPS_PROXY that ends CONNECTs to those hosts at the
 * emulator (and refuses everything else), and the Node preload that sends an unmodified app's
 * Microsoft traffic through it.
 */
describe('transparent mode: listeners, proxy and preload', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ transparentPort: 0, proxyPort: 0 });
  });
  afterAll(() => emu.stop());

  it('presents, per SNI name, a certificate for that host only, issued by the emulator’s CA', async () => {
    const ca = new X509Certificate(emu.caCert);
    for (const host of [LOGIN, 'management.azure.com', 'obodevb2c.b2clogin.com']) {
      const cert = await certificateFor(emu, host);
      expect(cert.subjectAltName).toBe(`DNS:${host}`);
      expect(cert.checkIssued(ca)).toBe(true);
    }
  });

  it('fails the handshake for a name it does not answer as', async () => {
    await expect(certificateFor(emu, 'login.example.com')).rejects.toThrow();
  });

  it('serves the host named by SNI and Host on its port, trusted through the CA alone', async () => {
    const res = await get({
      host: LOGIN,
      port: emu.transparentPort,
      path: DOCUMENT,
      ca: emu.caCert,
      lookup: (_host, _options, done) => done(null, [{ address: '127.0.0.1', family: 4 }]),
    });
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
  });

  it('proxy: a CONNECT to a Microsoft host it serves ends at the emulator', async () => {
    const proxy = new URL(String(emu.proxyUrl));
    const res = await get({
      host: LOGIN,
      port: 443,
      path: DOCUMENT,
      ca: emu.caCert,
      createConnection: () =>
        tlsConnect({
          socket: new ConnectTunnel(
            { host: proxy.hostname, port: Number(proxy.port) },
            `${LOGIN}:443`,
          ),
          servername: LOGIN,
          ca: emu.caCert,
        }),
    });
    expect(res.status).toBe(200);
    expect(res.body.token_endpoint).toBe(`https://${LOGIN}/${TENANT}/oauth2/v2.0/token`);
  });

  it('proxy: refuses other hosts, other ports and plain-HTTP proxying (403)', async () => {
    const proxyUrl = String(emu.proxyUrl);
    expect(await connectStatus(proxyUrl, 'example.com:443')).toBe(403);
    expect(await connectStatus(proxyUrl, `${LOGIN}:80`)).toBe(403);
    expect(await connectStatus(proxyUrl, 'login.example.com:443')).toBe(403);
    const plain = await new Promise<number>((resolve, reject) =>
      httpRequest(`${proxyUrl}/`, { headers: { Host: 'example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(plain).toBe(403);
  });

  it('a tunnel the proxy refuses fails with the status, not a TLS mystery', async () => {
    const proxy = new URL(String(emu.proxyUrl));
    const tunnel = new ConnectTunnel(
      { host: proxy.hostname, port: Number(proxy.port) },
      'example.com:443',
    );
    const error = await new Promise<Error>((resolve) => {
      tunnel.on('error', resolve);
      tunnel.write('hello');
    });
    expect(error.message).toContain('HTTP 403');
  });

  /** Runs `script` in a fresh Node with the preload (from source), its env on top of PATH. */
  function withPreload(script: string, env: Record<string, string>): Promise<string> {
    const preload = join(__dirname, 'route-to-emulator.ts');
    return new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', '-r', preload, '-e', script],
        { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
      ),
    );
  }

  it('preload: fetch and https reach Microsoft’s hosts through the proxy, trusting the CA', async () => {
    const script = `
      const https = require('node:https');
      (async () => {
        const doc = await (await fetch('https://${LOGIN}${DOCUMENT}')).json();
        const arm = await new Promise((resolve) =>
          https.get('https://management.azure.com/subscriptions?api-version=2022-12-01', (res) => {
            res.resume();
            resolve(res.headers['www-authenticate']);
          }));
        const other = await fetch('https://example.invalid/').catch((e) => e.cause && e.cause.code);
        console.log(JSON.stringify({ issuer: doc.issuer, arm, other }));
      })();`;
    const out = JSON.parse(
      await withPreload(script, {
        HTTPS_PROXY: String(emu.proxyUrl),
        EMULATOR_CA_CERT: emu.caCertPath,
      }),
    );
    expect(out.issuer).toBe(`https://${LOGIN}/${TENANT}/v2.0`);
    expect(out.arm).toContain(`authorization_uri="https://login.windows.net/${TENANT}"`);
    // Everything else is left to the network as usual (here: a name that does not resolve).
    expect(out.other).toBe('ENOTFOUND');
  });

  it('preload: without HTTPS_PROXY the app does not start (it says what to set)', async () => {
    await expect(
      withPreload('console.log("started")', { EMULATOR_CA_CERT: emu.caCertPath }),
    ).rejects.toThrow(/HTTPS_PROXY/);
  });

  it('stop() closes every listener', async () => {
    const other = await startTestEmulator({ transparentPort: 0, proxyPort: 0 });
    const ports = [
      other.port,
      Number(other.transparentPort),
      Number(new URL(String(other.proxyUrl)).port),
    ];
    await other.stop();
    for (const port of ports) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = netConnect(port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });
});

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from './emulator';
import { ensureHostCertificates, ensureTlsMaterial, exportCaCertificate } from './tls';
import { call } from '../test/helpers';

describe('TLS material', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-tls-'));

  it('creates a CA once and a server certificate with the loopback SANs and the public host', () => {
    const first = ensureTlsMaterial(dir, ['emulator.internal']);
    const cert = new X509Certificate(first.cert);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('DNS:emulator.internal');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/i);
    expect(cert.verify(new X509Certificate(first.caCert).publicKey)).toBe(true);
    expect(first.caCertPath).toBe(join(dir, 'ca.pem'));

    const again = ensureTlsMaterial(dir, ['emulator.internal']);
    expect(again.caCert).toBe(first.caCert);
    expect(again.cert).toBe(first.cert);
    const other = ensureTlsMaterial(dir, []);
    expect(other.caCert).toBe(first.caCert);
    expect(other.cert).not.toBe(first.cert);
  });

  it('makes one certificate per host name (transparent mode), kept while the names stay', () => {
    const ca = new X509Certificate(ensureTlsMaterial(dir, []).caCert);
    const first = ensureHostCertificates(dir, ['login.microsoftonline.com', 'graph.microsoft.com']);
    expect(Object.keys(first).sort()).toEqual(['graph.microsoft.com', 'login.microsoftonline.com']);
    for (const [host, { cert }] of Object.entries(first)) {
      const x509 = new X509Certificate(cert);
      expect(x509.subjectAltName).toBe(`DNS:${host}`);
      expect(x509.checkIssued(ca)).toBe(true);
    }
    const again = ensureHostCertificates(dir, ['graph.microsoft.com', 'login.microsoftonline.com']);
    expect(again).toEqual(first);
    const more = ensureHostCertificates(dir, ['login.microsoftonline.com', 'management.azure.com']);
    expect(more['login.microsoftonline.com'].cert).not.toBe(
      first['login.microsoftonline.com'].cert,
    );
  });

  it('exports the CA certificate alone, world-readable, to a folder of its own', () => {
    const material = ensureTlsMaterial(dir, []);
    const exportDir = mkdtempSync(join(tmpdir(), 'emulator-ca-export-'));
    exportCaCertificate(material.caCert, join(exportDir, 'trust', 'ca.pem'));
    expect(readdirSync(join(exportDir, 'trust'))).toEqual(['ca.pem']);
    expect(readFileSync(join(exportDir, 'trust', 'ca.pem'), 'utf8')).toBe(material.caCert);
    expect(statSync(join(exportDir, 'trust', 'ca.pem')).mode & 0o777).toBe(0o644);
  });

  it('serves a bring-your-own certificate', async () => {
    const material = ensureTlsMaterial(dir, []);
    const certPath = join(dir, 'byo-cert.pem');
    const keyPath = join(dir, 'byo-key.pem');
    writeFileSync(certPath, material.cert);
    writeFileSync(keyPath, material.key);
    const emu = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'emulator-byo-')),
      tls: { certPath, keyPath, caPath: material.caCertPath },
      logger: false,
    });
    try {
      expect(emu.caCertPath).toBe(material.caCertPath);
      expect((await call(emu, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await emu.stop();
    }
  });
});

import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import forge from 'node-forge';

/** The emulator's TLS material. */
export interface TlsMaterial {
  caCertPath: string;
  caCert: string;
  cert: string;
  key: string;
}

const CA_CERT = 'ca.pem';
const CA_KEY = 'ca-key.pem';
const SERVER_FILE = 'server.json';

/**
 * Loads (or creates on first use) the emulator's CA in `dataDir`, then a server certificate
 * signed by it for `hosts` (localhost, 127.0.0.1 and ::1 are always included). Both persist, so
 * a CA the developer trusted once stays valid across starts.
 */
export function ensureTlsMaterial(dataDir: string, extraHosts: string[] = []): TlsMaterial {
  mkdirSync(dataDir, { recursive: true });
  const caCertPath = join(dataDir, CA_CERT);
  const caKeyPath = join(dataDir, CA_KEY);
  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) createCa(caCertPath, caKeyPath);
  const caCert = readFileSync(caCertPath, 'utf8');
  const caKey = readFileSync(caKeyPath, 'utf8');
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', ...extraHosts])].sort();
  const caId = createHash('sha256').update(caCert).digest('hex');
  const serverPath = join(dataDir, SERVER_FILE);
  if (existsSync(serverPath)) {
    try {
      const saved = JSON.parse(readFileSync(serverPath, 'utf8'));
      const fresh = new Date(saved.notAfter).getTime() > Date.now() + 86_400_000;
      if (saved.caId === caId && saved.hosts.join() === hosts.join() && fresh) {
        return { caCertPath, caCert, cert: saved.cert, key: saved.key };
      }
    } catch {
      // An unreadable file is replaced below.
    }
  }
  const server = createServerCert(caCert, caKey, hosts);
  writeFileSync(serverPath, JSON.stringify({ caId, hosts, ...server }), { mode: 0o600 });
  return { caCertPath, caCert, cert: server.cert, key: server.key };
}

/**
 * Copies the CA certificate (never a key) to `path`, for other containers that must trust the
 * emulator without reading its data folder. Written under a temporary name and renamed, so a
 * reader never sees half a file.
 */
export function exportCaCertificate(caCert: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, caCert, { mode: 0o644 });
  renameSync(partial, path);
}

function newKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function createCa(certPath: string, keyPath: string): void {
  const { privatePem, publicPem } = newKeyPair();
  const key = forge.pki.privateKeyFromPem(privatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: 'OBO Entra Emulator Local CA' },
    { name: 'organizationName', value: 'OBO development (not for production)' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  writeFileSync(keyPath, privatePem, { mode: 0o600 });
  writeFileSync(certPath, forge.pki.certificateToPem(cert));
}

function createServerCert(
  caCertPem: string,
  caKeyPem: string,
  hosts: string[],
): { cert: string; key: string; notAfter: string } {
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const { privatePem, publicPem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(cert),
    key: privatePem,
    notAfter: cert.validity.notAfter.toISOString(),
  };
}

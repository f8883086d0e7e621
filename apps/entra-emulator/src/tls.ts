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
const HOSTS_FILE = 'transparent-hosts.json';

/**
 * Loads (or creates on first use) the emulator's CA in `dataDir`, then a server certificate
 * signed by it for `hosts` (localhost, 127.0.0.1 and ::1 are always included). Both persist, so
 * a CA the developer trusted once stays valid across starts.
 */
export function ensureTlsMaterial(dataDir: string, extraHosts: string[] = []): TlsMaterial {
  const ca = loadCa(dataDir);
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', ...extraHosts])].sort();
  const server = persisted(join(dataDir, SERVER_FILE), ca, hosts, () =>
    createServerCert(ca.caCert, ca.caKey, hosts),
  );
  return { caCertPath: ca.caCertPath, caCert: ca.caCert, cert: server.cert, key: server.key };
}

/**
 * A certificate per host name (transparent mode: `login.microsoftonline.com`, …), each for
 * that name only, signed by the emulator's CA and sharing one key; the server picks one by SNI.
 * Persisted like the server certificate.
 */
export function ensureHostCertificates(
  dataDir: string,
  hosts: string[],
): Record<string, { cert: string; key: string }> {
  const ca = loadCa(dataDir);
  const names = [...new Set(hosts.map((h) => h.toLowerCase()))].sort();
  const saved = persisted(join(dataDir, HOSTS_FILE), ca, names, () => {
    const keyPair = newKeyPair();
    const made = names.map((host) => createServerCert(ca.caCert, ca.caKey, [host], keyPair));
    // Made together: the first expiry stands for all.
    return { key: keyPair.privatePem, certs: made.map((m) => m.cert), notAfter: made[0].notAfter };
  });
  return Object.fromEntries(
    names.map((host, i) => [host, { cert: saved.certs[i], key: saved.key }]),
  );
}

interface Ca {
  caCertPath: string;
  caCert: string;
  caKey: string;
}

/** The emulator's CA in `dataDir`, created on first use. */
function loadCa(dataDir: string): Ca {
  mkdirSync(dataDir, { recursive: true });
  const caCertPath = join(dataDir, CA_CERT);
  const caKeyPath = join(dataDir, CA_KEY);
  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) createCa(caCertPath, caKeyPath);
  return {
    caCertPath,
    caCert: readFileSync(caCertPath, 'utf8'),
    caKey: readFileSync(caKeyPath, 'utf8'),
  };
}

/**
 * Certificate material kept in `path` while it was signed by this CA for these hosts and is
 * valid for at least another day; made anew (by `create`) otherwise.
 */
function persisted<T extends { notAfter: string }>(
  path: string,
  ca: Ca,
  hosts: string[],
  create: () => T,
): T {
  const caId = createHash('sha256').update(ca.caCert).digest('hex');
  if (existsSync(path)) {
    try {
      const saved = JSON.parse(readFileSync(path, 'utf8'));
      const fresh = new Date(saved.notAfter).getTime() > Date.now() + 86_400_000;
      if (saved.caId === caId && saved.hosts.join() === hosts.join() && fresh) return saved as T;
    } catch {
      // An unreadable file is replaced below.
    }
  }
  const made = create();
  writeFileSync(path, JSON.stringify({ caId, hosts, ...made }), { mode: 0o600 });
  return made;
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
  keyPair = newKeyPair(),
): { cert: string; key: string; notAfter: string } {
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const { privatePem, publicPem } = keyPair;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: hosts.length === 1 ? hosts[0] : 'localhost' }]);
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

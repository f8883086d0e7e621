import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWebConfig, type WebConfig } from '@obo/config';
import type { Store } from 'express-session';
import pino from 'pino';

/** Silent logger for tests. */
export const silentLogger = pino({ level: 'silent' });

let placeholderCa: string | undefined;

/**
 * Emulator-profile config for tests that never reach the identity provider: the CA file only
 * has to exist (no TLS connection is made).
 */
export function offlineConfig(env: Record<string, string> = {}): WebConfig {
  if (!placeholderCa) {
    placeholderCa = join(mkdtempSync(join(tmpdir(), 'obo-web-test-')), 'ca.pem');
    writeFileSync(
      placeholderCa,
      '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n',
    );
  }
  return loadWebConfig({
    env: {
      EXTRA_CA_CERTS: placeholderCa,
      AZURE_AUTHORITY_HOST: 'https://localhost:8443',
      PUBLIC_URL: 'http://localhost:3000',
      API_BASE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
      ...env,
    },
    envFile: false,
  });
}

/** How many sessions the app's store holds now. */
export function sessionCount(web: { sessions: { store: Store } }): Promise<number> {
  const store = web.sessions.store;
  if (!store.length) throw new Error('the session store cannot count its sessions');
  return new Promise((resolve, reject) =>
    store.length?.((error, length) => (error ? reject(error) : resolve(length ?? 0))),
  );
}

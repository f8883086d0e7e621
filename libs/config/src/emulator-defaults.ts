/**
 * The emulator's well-known development tenant, like Azurite's well-known account key:
 * public, fixed, and useless anywhere but on a developer's machine. The emulator's default
 * seed (`apps/entra-emulator/seed/default.json`) holds the same values; a test there keeps
 * the two in step.
 */
export const EMULATOR_DEFAULTS = Object.freeze({
  /** Port of the emulator's HTTPS server. */
  port: 8443,
  /** Authority host apps use in the emulator profile. */
  authorityHost: 'https://localhost:8443',
  /** Path prefix of the emulated Azure Resource Manager on the emulator's server. */
  armPath: '/arm',
  /** Path prefix of the emulated Microsoft Graph subset on the emulator's server. */
  graphPath: '/graph',
  tenantId: '0b0e0000-0000-4000-8000-000000000001',
  tenantDomain: 'obodev.onmicrosoft.com',
  web: {
    clientId: '0b0e0000-0000-4000-8000-000000000101',
    clientSecret: 'obo-web-dev-secret-not-for-production',
  },
  api: {
    clientId: '0b0e0000-0000-4000-8000-000000000201',
    clientSecret: 'obo-api-dev-secret-not-for-production',
  },
  /** The development user `npm start` suggests, and the password every seeded user has. */
  devUser: 'alice@obodev.onmicrosoft.com',
  devPassword: 'Passw0rd!',
  /** Folder (relative to the workspace root) where the emulator keeps its CA and keys. */
  dataDir: '.emulator',
  /** File name of the emulator's CA certificate inside the data folder. */
  caCertFile: 'ca.pem',
});

/**
 * Browser end-to-end tests (`*.e2e.ts`): `npm run e2e` = `nx run @obo/web-e2e:e2e`, which
 * builds the emulator, the API and the web app first. Needs Chromium (Debian's `chromium`).
 */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  testTimeout: 60_000,
};

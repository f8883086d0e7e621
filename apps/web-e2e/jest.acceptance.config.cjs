/**
 * Acceptance with Microsoft's host names (`*.acceptance.ts`): `nx run @obo/web-e2e:acceptance`
 * runs them inside `npm run with-emulator` — a private network namespace where
 * login.microsoftonline.com, management.azure.com, … are the emulator — with clients nobody here
 * wrote (Azure CLI, Azure SDK for JavaScript, MSAL Python) and our apps in their production
 * profiles. Needs root or unprivileged user namespaces, Chromium, azure-cli and python3-msal.
 */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e acceptance',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/acceptance/**/*.acceptance.ts'],
  testTimeout: 120_000,
};

/**
 * Unit tests of the e2e helpers only (`*.spec.ts`), for the inferred `test` target that
 * `npm test` runs: no browser, no servers. The browser tests are `*.e2e.ts`, run by the `e2e`
 * target with jest.e2e.config.cjs.
 */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'web-e2e',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e\\.ts$'],
};

/**
 * `npm test`'s tests of @obo/dev. The container test (`*.containers.spec.ts`: podman, root,
 * minutes) runs only in the `containers` target, with jest.containers.config.cjs.
 */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'dev',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/tools/dev',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.containers\\.spec\\.ts$'],
};

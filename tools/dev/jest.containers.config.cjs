/**
 * The container test (`*.containers.spec.ts`): `nx run @obo/dev:containers`, run by `.ci/run` after
 * it installs podman. Builds the three images and runs docker-compose.yml; needs root.
 */
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'containers',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.containers.spec.ts'],
  testTimeout: 30 * 60_000,
};

/**
 * Shared Jest settings: @swc/jest transforms TypeScript (types are checked by `nx typecheck`),
 * and the ESM-only packages that jwks-rsa 4 and friends pull in are transformed too.
 */
const esmOnly = ['jose', 'jwks-rsa', 'eta', 'lru-cache'];

module.exports = {
  testEnvironment: 'node',
  // Integration tests start the emulator, Redis and app bundles in their hooks: Jest's 5 s
  // default fails them on a loaded 2-core machine, not on a defect. A hang still fails.
  testTimeout: 30_000,
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

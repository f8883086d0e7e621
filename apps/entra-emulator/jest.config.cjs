module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'entra-emulator',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/entra-emulator',
  testTimeout: 20000,
};

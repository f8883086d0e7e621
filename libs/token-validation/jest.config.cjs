module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'token-validation',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/token-validation',
};

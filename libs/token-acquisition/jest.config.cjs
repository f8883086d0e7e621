module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'token-acquisition',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/token-acquisition',
};

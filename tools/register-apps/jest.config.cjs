module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'register-apps',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/tools/register-apps',
};

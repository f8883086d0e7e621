module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'packages',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/consumer/'],
  coverageDirectory: '../../coverage/tools/packages',
};

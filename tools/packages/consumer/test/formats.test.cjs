// Every package from CommonJS and from ESM: the same named exports, one instance.
const assert = require('node:assert/strict');
const { it } = require('node:test');

const PACKAGES = {
  '@obo/token-validation': ['createTokenValidator', 'BearerStrategy', 'authenticateBearer'],
  '@obo/token-acquisition': ['OboClient', 'TokenAcquisitionError'],
  '@obo/config': ['loadApiConfig', 'IdentityProfile'],
  '@obo/entra-emulator': ['startEmulator', 'seedBuilder', 'SeedError'],
};

for (const [name, names] of Object.entries(PACKAGES)) {
  it(`${name}: require() and import() give the same exports`, async () => {
    const required = require(name);
    const imported = await import(name);
    for (const key of names) {
      assert.equal(typeof required[key], 'function', `${name} require: ${key}`);
      assert.equal(imported[key], required[key], `${name} import: ${key}`);
    }
    assert.deepEqual(Object.keys(imported).sort(), Object.keys(required).sort());
  });
}

it('a bad seed names the field', async () => {
  const { seedBuilder, SeedError } = require('@obo/entra-emulator');
  const builder = seedBuilder()
    .app({ displayName: 'App' })
    .user({ userPrincipalName: 'ok@contoso.onmicrosoft.com', displayName: 'OK' })
    .user({ userPrincipalName: 'not-an-upn', displayName: 'Bad' });
  assert.throws(
    () => builder.build(),
    (err) =>
      err instanceof SeedError && err.issues.some((i) => i.path === 'users[1].userPrincipalName'),
  );
});

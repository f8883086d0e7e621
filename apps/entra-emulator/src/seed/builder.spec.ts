import { ARM_APP_ID } from '../resources';
import { GRAPH_APP_ID } from '../directory';
import { DEFAULT_PASSWORD, seedBuilder } from './builder';
import { SeedError, type SeedIssue } from './load';

const API = 'fab00000-0000-4000-8000-000000000002';

/** A small valid tenant: an API, a user with a subscription, consent and a CA policy. */
const fabrikam = () =>
  seedBuilder({ tenant: { domain: 'fabrikam.onmicrosoft.com' } })
    .app({ displayName: 'Fabrikam API', clientId: API, scopes: ['access_as_user'] })
    .user({ userPrincipalName: 'megan@fabrikam.onmicrosoft.com', displayName: 'Megan Bowen' })
    .subscription('megan@fabrikam.onmicrosoft.com', { displayName: 'Production' })
    .grant({ clientId: API, resource: ARM_APP_ID, scopes: ['user_impersonation'] })
    .conditionalAccess({
      displayName: 'MFA on Azure',
      users: ['megan@fabrikam.onmicrosoft.com'],
      resources: [ARM_APP_ID],
    });

/** The issues of the SeedError `build` throws (fails the test when it does not throw). */
function issuesOf(build: () => unknown): readonly SeedIssue[] {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(SeedError);
    return (err as SeedError).issues;
  }
  throw new Error('expected a SeedError');
}

describe('seedBuilder', () => {
  it('builds a valid seed with derived, stable ids and the default password', () => {
    const seed = fabrikam().build();
    expect(seed.tenant).toMatchObject({
      domain: 'fabrikam.onmicrosoft.com',
      displayName: 'Fabrikam',
    });
    expect(seed.tenant.id).toBe(fabrikam().build().tenant.id);
    expect(seed.tenant.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const [megan] = seed.users;
    expect(megan.password).toBe(DEFAULT_PASSWORD);
    expect(megan.subscriptions).toEqual([
      expect.objectContaining({ displayName: 'Production', state: 'Enabled' }),
    ]);
    expect(megan.id).not.toBe(seed.tenant.id);
    expect(seed.conditionalAccess[0].resources).toEqual([ARM_APP_ID]);
  });

  it('registers ARM and Graph by default, and not when asked not to', () => {
    const ids = (seed: { apps: { clientId: string }[] }) => seed.apps.map((a) => a.clientId);
    expect(ids(fabrikam().build())).toEqual(expect.arrayContaining([ARM_APP_ID, GRAPH_APP_ID]));
    const bare = seedBuilder({ microsoftApis: false }).app({ displayName: 'Only' }).build();
    expect(ids(bare)).not.toContain(ARM_APP_ID);
  });

  it('derives a client id per display name and tells it', () => {
    const builder = seedBuilder().app({ displayName: 'One' }).app({ displayName: 'Two' });
    const one = builder.clientIdOf('One');
    expect(one).toBeDefined();
    expect(one).not.toBe(builder.clientIdOf('Two'));
    expect(builder.clientIdOf('Three')).toBeUndefined();
    expect(builder.build().apps.map((a) => a.clientId)).toContain(one);
  });

  it('refuses a subscription of a user nobody added, naming the call', () => {
    const builder = fabrikam().subscription('nobody@fabrikam.onmicrosoft.com', {
      displayName: 'Orphan',
    });
    expect(issuesOf(() => builder.build())).toEqual([
      { path: 'subscription(1)', message: expect.stringContaining('nobody@') },
    ]);
  });

  it('names the field of a schema rule the input breaks (users[1].userPrincipalName)', () => {
    const builder = fabrikam().user({ userPrincipalName: 'not-an-upn', displayName: 'Bad' });
    expect(issuesOf(() => builder.build()).map((i) => i.path)).toEqual([
      'users[1].userPrincipalName',
    ]);
  });

  it('names the field of a reference rule the input breaks (conditionalAccess[1].resources[0])', () => {
    const builder = fabrikam().conditionalAccess({
      displayName: 'Unknown resource',
      users: ['megan@fabrikam.onmicrosoft.com'],
      resources: ['api://nowhere'],
    });
    expect(issuesOf(() => builder.build()).map((i) => i.path)).toEqual([
      'conditionalAccess[1].resources[0]',
    ]);
  });

  it('toJSON is the seed file: ids filled in, JSON round-trips through build', () => {
    const json = JSON.parse(JSON.stringify(fabrikam().toJSON()));
    expect(json.users[0].subscriptions[0].subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fabrikam().build().users[0].subscriptions[0].subscriptionId).toBe(
      json.users[0].subscriptions[0].subscriptionId,
    );
  });
});

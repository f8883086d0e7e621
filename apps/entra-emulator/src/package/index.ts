/**
 * `@obo/entra-emulator` as a package: the emulator as a test fixture (`startEmulator`, a child
 * process), a seed builder, and the types of its control plane. The `obo-entra-emulator`
 * command (`bin`) runs the same server from a shell.
 */
export {
  startEmulator,
  EmulatorRequestError,
  type EmulatorFixture,
  type EmulatorFixtureOptions,
  type MintTokenOptions,
  type UserTokenRequest,
} from './fixture';
export {
  SeedBuilder,
  seedBuilder,
  DEFAULT_PASSWORD,
  type SeedBuilderOptions,
  type SeedBuilderApp,
  type SeedBuilderUser,
  type SeedBuilderSubscription,
  type SeedBuilderPolicy,
} from '../seed/builder';
export { loadSeed, SeedError, type SeedIssue } from '../seed/load';
export type { Seed, SeedInput, SeedApp, SeedUser, SeedSubscription } from '../seed/schema';
export type { FaultSpec, FaultEndpoint } from '../faults';
export type { EmulatorCounters, GrantName } from '../counters';
export type { StartupFacts } from './cli-args';

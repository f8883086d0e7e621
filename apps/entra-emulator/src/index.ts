/**
 * @obo/entra-emulator: a local Microsoft Entra ID (v2 protocol, On-Behalf-Of included) and
 * Azure Resource Manager that unmodified MSAL Node accepts. Tests start it in-process with
 * `startEmulator({ port: 0, dataDir })`; developers run it with `npm run start:emulator`.
 */
export { startEmulator, type StartEmulatorOptions, type RunningEmulator } from './emulator';
export { createEmulatorApp, type EmulatorAppOptions, type EmulatorApp } from './app';
export type { EmulatorControls, MintOptions } from './controls';
export type { EmulatorCounters, GrantName } from './counters';
export type { FaultSpec, FaultEndpoint } from './faults';
export { loadSeed, SeedError } from './seed/load';
export type { Seed, SeedInput, SeedApp, SeedUser, SeedSubscription } from './seed/schema';
export { AadError, ArmError, GraphError, PlainError, WireError } from './errors/wire';
export { EmulatorBrowser, type SignInResult } from './testing';

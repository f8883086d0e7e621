export { ConfigError, type ConfigIssue } from './errors';
export { Secret, describeConfig } from './secret';
export { readEnvironment, findWorkspaceRoot, type EnvSource } from './env';
export {
  CLOUDS,
  CLOUD_NAMES,
  cloudByName,
  cloudByAuthorityHost,
  armScope,
  GRAPH_HOSTS,
  type Cloud,
  type CloudName,
} from './clouds';
export {
  entraAuthority,
  b2cAuthority,
  b2cDefaultHost,
  ciamAuthority,
  authorityHostname,
} from './authority';
export { EMULATOR_DEFAULTS } from './emulator-defaults';
export { readFederatedAssertion, type ClientCredential } from './credentials';
export { usesEmulatorProfile, type ArmConfig, type GraphConfig } from './identity';
export {
  IdentityProfile,
  type ProfileKind,
  type AuthFlow,
  type ClientConfig,
  type B2cConfig,
  type EndSessionRequest,
  type TokenValidationSettings,
} from './profile/identity-profile';
export { msalCredential, emulatorAuthorityMetadata } from './msal';
export { LOG_LEVELS, type LogLevel } from './load';
export { loadApiConfig, type ApiConfig } from './apps/api';
export { loadWebConfig, type WebConfig } from './apps/web';
export { loadEmulatorConfig, type EmulatorConfig } from './apps/emulator';

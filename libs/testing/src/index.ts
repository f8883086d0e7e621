export {
  startTestRedis,
  startLocalRedis,
  redisAvailable,
  redisServerAvailable,
  requireRedisInCi,
  type LocalRedis,
  type TestRedis,
} from './redis-server';
export {
  passwordGrantToken,
  claimsOf,
  CP1_CLAIMS,
  type PasswordGrant,
  type TokenSource,
} from './tokens';
export { writeClientCertificate, writeThrowawayCa } from './certificates';
export {
  freePort,
  get,
  startNodeProcess,
  staleSources,
  stopAllNodeProcesses,
  waitFor200,
  type Exit,
  type NodeProcess,
} from './processes';

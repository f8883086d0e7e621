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
  devUserToken,
  claimsOf,
  CP1_CLAIMS,
  type PasswordGrant,
  type TokenSource,
} from './tokens';
export { writeClientCertificate, writeThrowawayCa } from './certificates';
export { ALL_BUT_DATE } from './clock';
export {
  freePort,
  get,
  startNodeProcess,
  stopAllNodeProcesses,
  waitFor200,
  type Exit,
  type NodeProcess,
} from './processes';

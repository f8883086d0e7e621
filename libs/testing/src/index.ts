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
export {
  throwawayTls,
  writeClientCertificate,
  writeThrowawayCa,
  type ThrowawayTls,
} from './certificates';
export { ALL_BUT_DATE } from './clock';
export { waitUntil } from './wait';
export {
  freePort,
  get,
  portIsFree,
  spawnNode,
  startNodeProcess,
  staleSources,
  stopAllNodeProcesses,
  waitFor200,
  type Exit,
  type NodeProcess,
  type SpawnNodeOptions,
} from './processes';
export {
  closedPortUrl,
  closeTestServers,
  closeWithServers,
  rejectionOf,
  sendJson,
  startTestServer,
  type Handler,
  type SeenRequest,
  type TestServer,
} from './http-servers';

export {
  OboClient,
  partitionKey,
  type OboClientOptions,
  type OboRequest,
  type OboResult,
} from './obo-client';
export {
  TokenAcquisitionError,
  toTokenAcquisitionError,
  type TokenAcquisitionErrorCode,
} from './errors';
export { NetworkClient, type NetworkClientOptions } from './network-client';
export { SingleFlight } from './single-flight';
export {
  MemoryTokenCache,
  entrySize,
  type CachedToken,
  type TokenCacheLevel,
  type MemoryTokenCacheOptions,
} from './token-cache';
export { RedisTokenCache, type RedisLike, type RedisTokenCacheOptions } from './redis-token-cache';

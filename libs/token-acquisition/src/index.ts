export {
  OboClient,
  partitionKey,
  type OboClientOptions,
  type OboRequest,
  type OboResult,
} from './obo-client';
export {
  UserTokenClient,
  OIDC_SCOPES,
  type UserTokenClientOptions,
  type UserCachePartition,
  type AuthCodeRequest,
  type PendingAuthCode,
  type RedeemedCode,
} from './user-token-client';
export {
  createConfidentialClient,
  CLIENT_CAPABILITIES,
  type ConfidentialClientOptions,
  type MsalLog,
} from './msal-client';
export {
  TokenAcquisitionError,
  toTokenAcquisitionError,
  type TokenAcquisitionErrorCode,
  type TokenAcquisitionDetails,
} from './errors';
export { SingleFlight } from './single-flight';
export {
  MemoryTokenCache,
  entrySize,
  type CachedToken,
  type TokenCacheLevel,
  type MemoryTokenCacheOptions,
} from './token-cache';
export { RedisTokenCache, type RedisLike, type RedisTokenCacheOptions } from './redis-token-cache';
export {
  RedisCacheInvalidation,
  type CacheInvalidation,
  type RedisCacheInvalidationOptions,
  type RedisPubSubLike,
  type RedisSubscriberLike,
} from './cache-invalidation';

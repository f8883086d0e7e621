export {
  trustStore,
  httpsAgent,
  httpAgent,
  type AgentOptions,
  type TrustStoreOptions,
} from './trust';
export { send, TransportError, type RawResponse, type SendOptions } from './transport';
export { createNodeAdapter, nodeAdapter, type NodeAdapterOptions } from './axios-adapter';
export {
  DownstreamClient,
  createDownstreamClient,
  RESPONSE_HEADERS,
  type CallOptions,
  type DownstreamClientOptions,
} from './downstream-client';
export {
  DownstreamError,
  type DownstreamErrorCode,
  type DownstreamErrorOptions,
  type DownstreamResponse,
} from './errors';
export {
  parseWwwAuthenticate,
  parseBearerChallenge,
  decodeClaims,
  claimsChallenge,
  type AuthChallenge,
} from './challenge';
export { parseRetryAfter } from './retry-after';
export { fullJitter } from './backoff';
export {
  NetworkClient,
  type NetworkClientOptions,
  type MsalNetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from './network-client';

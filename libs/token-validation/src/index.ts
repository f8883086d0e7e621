export {
  TokenValidationError,
  InsufficientScopeError,
  TokenValidatorConfigError,
  TOKEN_ERROR_CODES,
  isTokenValidationError,
  type TokenErrorCode,
  type TokenValidationErrorOptions,
} from './errors';
export type {
  TokenValidatorOptions,
  TokenValidator,
  SyncTokenValidator,
  TokenValidatorStats,
  ValidatedToken,
  TokenClaims,
} from './types';
export type { KeySource, SigningKeyEntry } from './keys/key-source';
export { createJwksRsaKeySource, type JwksRsaKeySourceOptions } from './keys/jwks-rsa-source';
export { createTokenValidator } from './validator';
export {
  entraIssuers,
  b2cIssuer,
  ciamIssuer,
  ENTRA_V1_ISSUER,
  TENANT_PLACEHOLDER,
} from './issuers';
export { BearerStrategy } from './http/strategy';
export { authenticateBearer } from './http/authenticate';
export { requireScopes, requireRoles, requireScopesOrRoles } from './http/guards';
export { bearerChallenge, bearerErrorBody, formatBearerChallenge } from './http/challenge';
export { getValidatedToken, type BearerOptions, type BearerErrorBody } from './http/context';
export {
  decodeForDisplay,
  displayedHeader,
  type DisplayedHeader,
  type DisplayedToken,
} from './jwt/display';

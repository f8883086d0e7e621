import { createTokenValidator, type TokenValidator } from '@obo/token-validation';
import type { EmulatorContext } from './context';

/**
 * How the emulator's own resources (ARM, Graph) check the bearer tokens it issued: real
 * validation through @obo/token-validation, with the keys taken straight from the key ring
 * (always current after a rotation: no refetch interval, a 1 s key cache).
 */
export function resourceTokenValidator(
  ctx: EmulatorContext,
  options: {
    audiences: string[];
    issuers: string[];
    allowedTenants: string[];
    requirePermissions?: boolean;
  },
): TokenValidator {
  return createTokenValidator({
    jwksUri: `${ctx.baseUrl}/${ctx.seed.tenant.id}/discovery/v2.0/keys`,
    ...options,
    clockToleranceSeconds: 300,
    refetchIntervalMs: 0,
    cacheMaxAgeMs: 1000,
    staleKeyMaxAgeMs: 1000,
    now: ctx.now,
    keySource: {
      fetchKeys: async () =>
        ctx.keys.published().map((k) => ({ kid: k.kid, key: k.publicKey, alg: 'RS256' })),
    },
  });
}

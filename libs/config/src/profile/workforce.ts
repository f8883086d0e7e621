import type { TokenValidatorOptions } from '@obo/token-validation';
import { entraIssuers } from '@obo/token-validation';
import { entraAuthority } from '../authority';
import {
  IdentityProfile,
  type ProfileSettings,
  type TokenValidationSettings,
} from './identity-profile';

/**
 * A Microsoft Entra workforce tenant. Tokens carry `tid`; an On-Behalf-Of exchange happens in
 * the caller's own tenant (never in common); keys come from that tenant's JWKS.
 */
export class EntraProfile extends IdentityProfile {
  readonly kind: 'entra' | 'emulator' = 'entra';

  constructor(settings: ProfileSettings) {
    super(settings);
  }

  oboAuthority(tenantId?: string): string | undefined {
    return tenantId ? entraAuthority(this.authorityHost, tenantId) : undefined;
  }

  /**
   * `{host}/{tenantid}/v2.0` (plus the v1 issuer when accepted), keys per tenant, the tenants
   * of ALLOWED_TENANTS only.
   */
  tokenValidation(settings: TokenValidationSettings): TokenValidatorOptions {
    return {
      ...this.validatorBase(settings),
      jwksUri: `${this.authorityHost}/{tenantid}/discovery/v2.0/keys`,
      issuers: entraIssuers(this.authorityHost, { v1: settings.acceptV1 }),
      allowedTenants: settings.allowedTenants,
    };
  }
}

/**
 * The local Entra ID emulator's well-known development tenant: a workforce tenant whose
 * metadata MSAL is given inline (nothing is discovered over the network).
 */
export class EmulatorProfile extends EntraProfile {
  override readonly kind = 'emulator';
  override readonly isEmulator = true;
}

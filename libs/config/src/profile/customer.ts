import type { TokenValidatorOptions } from '@obo/token-validation';
import { b2cIssuer, ciamIssuer, TENANT_PLACEHOLDER } from '@obo/token-validation';
import { b2cAuthority } from '../authority';
import { isLoopbackAuthority } from '../msal';
import {
  IdentityProfile,
  tenantGuids,
  type AuthFlow,
  type B2cConfig,
  type ProfileSettings,
  type TokenValidationSettings,
} from './identity-profile';

/**
 * Azure AD B2C: one authority per user flow, tokens without `tid` whose issuer names the tenant
 * GUID, and no On-Behalf-Of flow. Exchanges are attempted at the sign-up/sign-in user flow, which
 * answers AADB2C90086.
 */
export class B2cProfile extends IdentityProfile {
  readonly kind = 'b2c';
  override readonly customerTenant = true;
  override readonly supportsObo = false;
  override readonly supportsDelegatedGraph = false;
  override readonly b2c: B2cConfig;

  constructor(settings: ProfileSettings, b2c: B2cConfig) {
    super(settings);
    this.b2c = b2c;
  }

  override signInAuthority(flow: AuthFlow = 'signIn'): string | undefined {
    const policy =
      flow === 'signIn'
        ? this.b2c.signUpSignInPolicy
        : flow === 'editProfile'
          ? this.b2c.editProfilePolicy
          : this.b2c.resetPasswordPolicy;
    return policy ? b2cAuthority(this.b2c.tenantName, policy, this.b2c.host) : undefined;
  }

  oboAuthority(): string {
    return this.authority;
  }

  /**
   * B2C's issuer `{b2c host}/{tenant GUID}/v2.0/` for each GUID in ALLOWED_TENANTS (B2C tokens
   * carry no `tid`, so the GUID must be configured), keys from the sign-up/sign-in user flow.
   */
  tokenValidation(settings: TokenValidationSettings): TokenValidatorOptions {
    const guids = tenantGuids(settings.allowedTenants);
    if (guids.length === 0) {
      throw new TypeError(
        'b2c profile: set ALLOWED_TENANTS to the B2C tenant id (GUID); B2C issuers name it',
      );
    }
    const { tenantName, host } = this.b2c;
    return {
      ...this.validatorBase(settings),
      jwksUri: `${this.authority}/discovery/v2.0/keys`,
      issuers: guids.map((guid) => b2cIssuer(tenantName, guid, { host })),
      requireTenantId: false,
    };
  }
}

/**
 * Microsoft Entra External ID (CIAM): one external tenant, tokens with `tid`, an On-Behalf-Of
 * exchange at the configured authority.
 */
export class CiamProfile extends IdentityProfile {
  readonly kind = 'ciam';
  override readonly customerTenant = true;

  constructor(settings: ProfileSettings) {
    super(settings);
  }

  oboAuthority(): string {
    return this.authority;
  }

  /**
   * `https://{tid}.ciamlogin.com/{tid}/v2.0` (on a loopback authority host, the emulator:
   * `{host}/{tid}/v2.0`), keys from the authority, the tenant GUIDs of ALLOWED_TENANTS.
   */
  tokenValidation(settings: TokenValidationSettings): TokenValidatorOptions {
    const guids = tenantGuids(settings.allowedTenants);
    const loopback = isLoopbackAuthority(this.authorityHost);
    return {
      ...this.validatorBase(settings),
      jwksUri: `${this.authority}/discovery/v2.0/keys`,
      issuers: [ciamIssuer(TENANT_PLACEHOLDER, loopback ? { host: this.authorityHost } : {})],
      allowedTenants: guids.length > 0 ? guids : settings.allowedTenants,
    };
  }
}

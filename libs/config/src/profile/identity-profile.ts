import type { NodeAuthOptions } from '@azure/msal-node';
import type { TokenValidatorOptions } from '@obo/token-validation';
import type { Cloud } from '../clouds';
import type { ClientCredential } from '../credentials';
import { emulatorAuthorityMetadata, isLoopbackAuthority, msalCredential } from '../msal';

/** Which kind of identity provider the app talks to. For display and logs only: ask the profile. */
export type ProfileKind = 'emulator' | 'entra' | 'b2c' | 'ciam';

/** User flows a sign-in can run; only B2C has more than `signIn`. */
export type AuthFlow = 'signIn' | 'editProfile' | 'resetPassword';

/** Azure AD B2C user flows, when the profile is `b2c`. */
export interface B2cConfig {
  tenantName: string;
  /** `https://{tenant}.b2clogin.com` or a custom domain. */
  host: string;
  signUpSignInPolicy: string;
  editProfilePolicy?: string;
  resetPasswordPolicy?: string;
}

/** The app's own registration. */
export interface ClientConfig {
  clientId: string;
  credential: ClientCredential;
}

/** Where a profile signs in, as resolved from the environment. */
export interface ProfileSettings {
  /** True when no tenant was configured and the emulator profile applied by default. */
  defaulted: boolean;
  cloud: Cloud;
  authorityHost: string;
  tenantId: string;
  authority: string;
  knownAuthorities: string[];
  extraCa?: { path: string; pem: string };
}

/** The API's own token rules, which the profile turns into validator options. */
export interface TokenValidationSettings {
  /** Accepted `aud` values. */
  audiences: string[];
  /** Tenants whose tokens are accepted (GUIDs or domains). */
  allowedTenants: string[];
  /** Accept v1.0 tokens (`sts.windows.net` issuer): workforce tenants only. */
  acceptV1: boolean;
  /** Clock skew tolerated on `exp`/`nbf`. */
  clockSkewSeconds: number;
}

/** What RP-initiated sign-out sends to the end-session endpoint. */
export interface EndSessionRequest {
  postLogoutRedirectUri: string;
  clientId: string;
  /** The ID token's `login_hint`: skips the account picker. */
  logoutHint?: string;
}

/**
 * The identity provider an app talks to, with its rules: where each flow signs in, where an
 * On-Behalf-Of exchange happens, which tokens the API accepts, and how MSAL is set up. Built
 * once by `@obo/config` from the environment; apps and libraries ask it instead of comparing
 * profile names. One subclass per kind of tenant (workforce, emulator, B2C, External ID).
 */
export abstract class IdentityProfile {
  abstract readonly kind: ProfileKind;
  /** The local Entra ID emulator's well-known development tenant: apps warn about it loudly. */
  readonly isEmulator: boolean = false;
  /** B2C or External ID: token issuers name the tenant GUID, which ALLOWED_TENANTS must list. */
  readonly customerTenant: boolean = false;
  /**
   * Whether the provider has an On-Behalf-Of flow. Azure AD B2C has none (AADB2C90086); the
   * API still asks once, so the answer a caller sees is the provider's own.
   */
  readonly supportsObo: boolean = true;
  /**
   * Whether the app may call Microsoft Graph with the user's own token (delegated `User.Read`,
   * `GET /me`): workforce and External ID tenants. Azure AD B2C user flows issue tokens for the
   * tenant's own APIs only: Graph scopes are refused (AADB2C90117) and Graph accepts no B2C
   * token, so the web app offers no Graph page there.
   */
  readonly supportsDelegatedGraph: boolean = true;
  /** True when no tenant was configured and the emulator profile applied by default. */
  readonly defaulted: boolean;
  readonly cloud: Cloud;
  /** e.g. `https://login.microsoftonline.com` (emulator: `https://localhost:8443`). */
  readonly authorityHost: string;
  /** Tenant GUID or domain (B2C: `{name}.onmicrosoft.com`; CIAM: the authority's tenant). */
  readonly tenantId: string;
  /** Sign-in authority (B2C: the sign-up/sign-in user flow's). */
  readonly authority: string;
  /** `host[:port]` entries for MSAL's `knownAuthorities`. */
  readonly knownAuthorities: string[];
  /** PEM of extra trusted CAs (the emulator's CA in the emulator profile). */
  readonly extraCa?: { path: string; pem: string };
  /** Azure AD B2C's user flows; undefined for every other kind. */
  readonly b2c?: B2cConfig;

  protected constructor(settings: ProfileSettings) {
    this.defaulted = settings.defaulted;
    this.cloud = settings.cloud;
    this.authorityHost = settings.authorityHost;
    this.tenantId = settings.tenantId;
    this.authority = settings.authority;
    this.knownAuthorities = settings.knownAuthorities;
    this.extraCa = settings.extraCa;
  }

  /**
   * The authority a user flow signs in at; undefined when the flow is not configured. One
   * authority for everything but B2C, which has one per user flow.
   */
  signInAuthority(flow: AuthFlow = 'signIn'): string | undefined {
    return flow === 'signIn' ? this.authority : undefined;
  }

  /** The authority's end-session endpoint (RP-initiated logout), back to `postLogoutRedirectUri`. */
  endSessionUrl(request: EndSessionRequest): string {
    const url = new URL(`${this.authority.replace(/\/+$/, '')}/oauth2/v2.0/logout`);
    url.searchParams.set('post_logout_redirect_uri', request.postLogoutRedirectUri);
    url.searchParams.set('client_id', request.clientId);
    if (request.logoutHint) url.searchParams.set('logout_hint', request.logoutHint);
    return url.toString();
  }

  /**
   * Where an On-Behalf-Of exchange for a caller of tenant `tenantId` (the token's `tid`)
   * happens; undefined when the caller's token does not say enough to exchange it.
   */
  abstract oboAuthority(tenantId?: string): string | undefined;

  /** The bearer-token validator's options for this provider and the API's own `settings`. */
  abstract tokenValidation(settings: TokenValidationSettings): TokenValidatorOptions;

  /**
   * MSAL `auth` options for `client` at `authority` (default the sign-in authority). For the
   * emulator, and any authority on a loopback host (the emulator's B2C and CIAM tenants), the
   * authority's metadata is supplied inline, so MSAL never calls instance discovery or fetches
   * the openid-configuration: no request leaves the machine.
   */
  msalAuth(client: ClientConfig, authority: string = this.authority): NodeAuthOptions {
    const options: NodeAuthOptions = {
      clientId: client.clientId,
      authority,
      knownAuthorities: this.knownAuthorities,
      ...msalCredential(client.credential),
    };
    if (this.isEmulator || isLoopbackAuthority(authority)) {
      options.authorityMetadata = JSON.stringify(emulatorAuthorityMetadata(authority));
    }
    return options;
  }

  /** Options every kind of validator shares. */
  protected validatorBase(
    settings: TokenValidationSettings,
  ): Pick<TokenValidatorOptions, 'audiences' | 'clockToleranceSeconds' | 'ca'> {
    return {
      audiences: settings.audiences,
      clockToleranceSeconds: settings.clockSkewSeconds,
      ca: this.extraCa?.pem,
    };
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant GUIDs in `tenants` (customer tenants' issuers name the GUID, not a domain). */
export function tenantGuids(tenants: readonly string[]): string[] {
  return tenants.filter((tenant) => GUID.test(tenant));
}

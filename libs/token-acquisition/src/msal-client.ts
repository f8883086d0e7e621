import { ConfidentialClientApplication, LogLevel, type INetworkModule } from '@azure/msal-node';
import type { ClientConfig, IdentityProfile } from '@obo/config';

/**
 * Client capabilities declared to the identity provider: `cp1` says this app can handle
 * claims challenges, so Conditional Access answers with a challenge instead of a hard failure.
 */
export const CLIENT_CAPABILITIES: readonly string[] = ['cp1'];

/** Receives MSAL's warnings and errors (logged without PII). */
export type MsalLog = (level: 'warn' | 'error', message: string) => void;

export interface ConfidentialClientOptions {
  /** The authority to talk to. Default the profile's sign-in authority. */
  authority?: string;
  /** MSAL's transport (keep-alive sockets, the extra CA), shared by every client. */
  networkClient: INetworkModule;
  log?: MsalLog;
  /** Capabilities announced to the provider. Default {@link CLIENT_CAPABILITIES}. */
  capabilities?: readonly string[];
}

/** MSAL's endpoint metadata, kept: discovered once per client. */
const AUTHORITY_METADATA = 'authority-metadata-';

/**
 * Empties a client's MSAL cache but for the endpoint metadata it discovered: accounts, tokens,
 * and the throttling MSAL records after a 429 or 5xx (its key names no user, so one user's
 * failure would hold back every other user's exchange on a shared client). For a client shared
 * by every caller whose results are kept elsewhere (OBO with `skipCache`, in its partitioned
 * L1/L2): called before each exchange, it holds at most the records of the exchanges in flight.
 * (`deserialize` merges rather than replaces, so the keys are removed from the store itself.)
 */
export function forgetAccountsAndTokens(msal: ConfidentialClientApplication): void {
  const store = msal.getTokenCache().getKVStore();
  for (const key of Object.keys(store)) {
    if (!key.startsWith(AUTHORITY_METADATA)) delete store[key];
  }
}

/**
 * The one place an MSAL `ConfidentialClientApplication` is built, for the web's user flows and
 * for On-Behalf-Of alike: the profile's MSAL options (inline metadata for the emulator), `cp1`,
 * the shared network client, and MSAL's logging without PII.
 */
export function createConfidentialClient(
  profile: IdentityProfile,
  client: ClientConfig,
  options: ConfidentialClientOptions,
): ConfidentialClientApplication {
  const { log } = options;
  return new ConfidentialClientApplication({
    auth: {
      ...profile.msalAuth(client, options.authority),
      clientCapabilities: [...(options.capabilities ?? CLIENT_CAPABILITIES)],
    },
    system: {
      networkClient: options.networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (log && level <= LogLevel.Warning)
            log(level === LogLevel.Error ? 'error' : 'warn', message);
        },
      },
    },
  });
}

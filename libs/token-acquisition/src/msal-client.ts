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

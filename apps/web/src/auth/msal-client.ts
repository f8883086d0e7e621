import { ConfidentialClientApplication, LogLevel, type INetworkModule } from '@azure/msal-node';
import type { AuthFlow, WebConfig } from '@obo/config';
import type { Logger } from 'pino';

/**
 * Client capabilities declared to the identity provider: `cp1` says this app can handle
 * claims challenges, so Conditional Access answers with a challenge instead of a hard failure.
 */
export const CLIENT_CAPABILITIES = ['cp1'];

export interface MsalClientFactoryOptions {
  config: WebConfig;
  /** Shared by every client: keep-alive sockets and the extra CA (the emulator's). */
  networkClient: INetworkModule;
  logger: Logger;
}

/**
 * Builds a fresh ConfidentialClientApplication per request. Each one starts with an empty
 * token cache that the caller fills from one user's session, so no token can ever be served
 * to another user: the session *is* the cache partition.
 */
export class MsalClientFactory {
  constructor(private readonly options: MsalClientFactoryOptions) {}

  /** A client for `flow`'s authority, its cache loaded from `serializedCache` when given. */
  create(flow: AuthFlow = 'signIn', serializedCache?: string): ConfidentialClientApplication {
    const { config, networkClient, logger } = this.options;
    const authority = config.identity.signInAuthority(flow) ?? config.identity.authority;
    const client = new ConfidentialClientApplication({
      auth: {
        ...config.identity.msalAuth(config.client, authority),
        clientCapabilities: CLIENT_CAPABILITIES,
      },
      system: {
        networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message) => {
            if (level <= LogLevel.Warning) logger.warn({ msal: message }, 'msal');
          },
        },
      },
    });
    if (serializedCache) client.getTokenCache().deserialize(serializedCache);
    return client;
  }
}

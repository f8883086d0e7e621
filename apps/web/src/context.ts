import type { WebConfig } from '@obo/config';
import type { UserTokenClient } from '@obo/token-acquisition';
import type { Logger } from 'pino';
import type { ApiClient } from './api/subscriptions-client';
import type { SignInFlow } from './auth/sign-in';
import type { GraphClient } from './graph/graph-client';
import type { SessionStoreHandle } from './middleware/session';
import type { Views } from './views/render';

/** What the routes share; built once by createApp. */
export interface WebContext {
  config: WebConfig;
  logger: Logger;
  views: Views;
  /** The token layer's user flows: sign-in, silent acquisition, sign-out. */
  tokens: UserTokenClient;
  signIn: SignInFlow;
  api: ApiClient;
  /** Microsoft Graph with the user's token; undefined where the provider has none (B2C). */
  graph?: GraphClient;
  sessions: SessionStoreHandle;
  now: () => number;
}

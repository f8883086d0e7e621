import type { WebConfig } from '@obo/config';
import type { Logger } from 'pino';
import type { ApiClient } from './api/subscriptions-client';
import type { MsalClientFactory } from './auth/msal-client';
import type { SignInFlow } from './auth/sign-in';
import type { SessionStoreHandle } from './middleware/session';
import type { Views } from './views/render';

/** What the routes share; built once by createApp. */
export interface WebContext {
  config: WebConfig;
  logger: Logger;
  views: Views;
  msal: MsalClientFactory;
  signIn: SignInFlow;
  api: ApiClient;
  sessions: SessionStoreHandle;
  now: () => number;
}

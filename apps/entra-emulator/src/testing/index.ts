export { msalNetworkClient } from './network-client';
export { EmulatorBrowser, type BrowserResponse, type SignInResult } from './browser';

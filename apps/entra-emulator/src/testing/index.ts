export { EmulatorBrowser, type BrowserResponse, type SignInResult } from './browser';

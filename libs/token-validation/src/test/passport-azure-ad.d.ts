/** Just enough typing of passport-azure-ad (a test-only devDependency without types). */
declare module 'passport-azure-ad' {
  export interface BearerStrategyOptions {
    identityMetadata: string;
    clientID: string;
    audience?: string | string[];
    validateIssuer?: boolean;
    issuer?: string | string[];
    clockSkew?: number;
    loggingLevel?: 'info' | 'warn' | 'error';
    loggingNoPII?: boolean;
  }
  export class BearerStrategy {
    name: string;
    constructor(
      options: BearerStrategyOptions,
      verify: (
        token: Record<string, unknown>,
        done: (err: unknown, user?: unknown) => void,
      ) => void,
    );
    authenticate(req: unknown, options?: unknown): void;
  }
}

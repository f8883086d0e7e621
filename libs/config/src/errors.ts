import { ServiceError } from '@obo/errors';

/** One problem with one environment variable. Never carries the variable's value. */
export interface ConfigIssue {
  /** The environment variable at fault, e.g. `AZURE_CLIENT_ID`. */
  variable: string;
  /** What is wrong and what is expected, e.g. "required for the entra profile: a GUID". */
  message: string;
}

/**
 * Thrown when configuration is missing or invalid. The message lists every issue at once,
 * one per line, so a start fails once with the whole list rather than once per variable.
 * Values are never included: a secret in the wrong variable must not end up in a log.
 * A server-side problem (500, not exposed): no caller can fix it.
 */
export class ConfigError extends ServiceError {
  readonly issues: readonly ConfigIssue[];

  constructor(app: string, issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.message}`);
    super(
      'ERR_CONFIG_INVALID',
      `Invalid configuration for ${app} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      { status: 500, expose: false },
    );
    this.issues = issues;
  }
}

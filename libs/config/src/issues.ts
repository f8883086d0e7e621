import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors';

/** Collects configuration problems so that every one is reported in a single error. */
export class IssueList {
  private readonly issues: ConfigIssue[] = [];

  add(variable: string, message: string): void {
    this.issues.push({ variable, message });
  }

  /** Records "required" for `variable` when `value` is unset; returns whether it was set. */
  require(variable: string, value: unknown, message: string): boolean {
    if (value === undefined) this.add(variable, `required ${message}`);
    return value !== undefined;
  }

  addZodIssues(error: z.ZodError): void {
    for (const issue of error.issues) {
      this.add(String(issue.path[0] ?? '(environment)'), issue.message);
    }
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** Throws a ConfigError for `app` listing every recorded issue, if there are any. */
  throwIfAny(app: string): void {
    if (!this.empty) throw new ConfigError(app, [...this.issues]);
  }
}

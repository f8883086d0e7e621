import { z } from 'zod';
import { readEnvironment, type EnvSource } from './env';
import { IssueList } from './issues';

/**
 * Parses the environment against `shape`, then lets `build` derive the app's config while
 * recording further issues. Throws one ConfigError listing every problem found.
 */
export function loadConfig<S extends z.ZodRawShape, T>(
  app: string,
  shape: S,
  source: EnvSource,
  build: (values: z.infer<z.ZodObject<S>>, issues: IssueList, cwd: string) => T | undefined,
): T {
  const env = readEnvironment(source);
  const cwd = source.cwd ?? process.cwd();
  const issues = new IssueList();
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    issues.addZodIssues(parsed.error);
    issues.throwIfAny(app);
  }
  const config = build(parsed.data as z.infer<z.ZodObject<S>>, issues, cwd);
  issues.throwIfAny(app);
  return config as T;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

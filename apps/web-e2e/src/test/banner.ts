/** What `npm start` prints once everything is ready. */
export interface StartBanner {
  /** The URL to open, from the `Open` line. */
  url: string;
  /** Seconds from start to ready, from the `Ready in` line. */
  readySeconds: number;
  /** The user to sign in as, from the `Sign in as` line (emulator profile only). */
  user?: string;
}

/** Parses the runner's banner out of its output; undefined until it has been printed. */
export function parseStartBanner(output: string): StartBanner | undefined {
  const url = /^\s*Open\s+(https?:\/\/\S+)\s*$/m.exec(output)?.[1];
  const ready = /^\s*Ready in\s+(\d+(?:\.\d+)?) s\b/m.exec(output)?.[1];
  if (!url || !ready) return undefined;
  const user = /^\s*Sign in as\s+(\S+@\S+)/m.exec(output)?.[1];
  return { url, readySeconds: Number(ready), ...(user ? { user } : {}) };
}

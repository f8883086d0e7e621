import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must never be printed: JSON, `util.inspect`, string conversion and template
 * literals all render `[redacted]`. Call `reveal()` at the one place that needs the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** The config as JSON with every secret redacted: what apps print or log at start-up. */
export function describeConfig(config: unknown): string {
  return JSON.stringify(config, null, 2);
}

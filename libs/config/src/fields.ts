import { z } from 'zod';

/**
 * zod schemas for single environment variables. Every field is optional at this level and
 * turns empty strings into "unset"; which variables are required depends on the profile
 * and is decided after parsing.
 */
const unsetIfEmpty = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const opt = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The placeholders of the `.env.example` files and the README (`replace-me`, `<web secret>`). */
const PLACEHOLDER = /^(replace[-_]|change[-_]?me\b|<[^>]*>$)/i;

export const fields = {
  string: () => opt(z.string().trim()),
  /** A secret: any string except a documentation placeholder left in place. */
  secret: () =>
    opt(
      z
        .string()
        .trim()
        .refine(
          (v) => !PLACEHOLDER.test(v),
          'is a placeholder from an example file: set the real value',
        ),
    ),
  guid: () =>
    opt(z.string().trim().regex(GUID, 'expected a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)')),
  /**
   * A specific tenant: a GUID or a verified domain such as contoso.onmicrosoft.com. The
   * multi-tenant aliases (common, organizations, consumers) have no dot and are refused.
   */
  tenant: () =>
    opt(
      z
        .string()
        .trim()
        .regex(
          /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i,
          'expected a tenant GUID or a domain such as contoso.onmicrosoft.com',
        ),
    ),
  httpsUrl: () =>
    opt(
      z
        .string()
        .trim()
        .refine((value) => isUrl(value, ['https:']), 'expected an https:// URL')
        .transform(stripTrailingSlash),
    ),
  httpUrl: () =>
    opt(
      z
        .string()
        .trim()
        .refine((value) => isUrl(value, ['http:', 'https:']), 'expected an http:// or https:// URL')
        .transform(stripTrailingSlash),
    ),
  port: () => opt(z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535)),
  positiveInt: () => opt(z.coerce.number({ message: 'expected a whole number' }).int().positive()),
  /** A whole number from `min` to `max`. */
  intBetween: (min: number, max: number) =>
    opt(
      z.coerce
        .number({ message: 'expected a whole number' })
        .int({ message: 'expected a whole number' })
        .min(min, { message: `expected a whole number from ${min} to ${max}` })
        .max(max, { message: `expected a whole number from ${min} to ${max}` }),
    ),
  boolean: () =>
    opt(
      z
        .string()
        .trim()
        .toLowerCase()
        .refine(
          (v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v),
          'expected true or false',
        )
        .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    ),
  /** A space- or comma-separated list. */
  list: () =>
    opt(
      z
        .string()
        .transform((v) => v.split(/[\s,]+/).filter(Boolean))
        .refine((items) => items.length > 0, 'expected at least one value'),
    ),
  path: () => opt(z.string().trim()),
  oneOf: <T extends string>(values: readonly [T, ...T[]]) =>
    opt(z.enum(values, { message: `expected one of: ${values.join(', ')}` })),
  /** A path beginning with a single `/`: a local path, never a protocol-relative URL. */
  localPath: () =>
    opt(
      z
        .string()
        .trim()
        .regex(/^\/(?!\/)[^\s?#]*$/, 'expected a path beginning with / (e.g. /auth/redirect)'),
    ),
};

function isUrl(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

function stripTrailingSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

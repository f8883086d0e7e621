/** Longest wait a Retry-After is believed for: one day. */
const MAX_SECONDS = 86_400;

/**
 * Seconds to wait from a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP-date in any of its three forms (against `now`, epoch ms). Undefined when absent or unreadable; a date in the past
 * is 0; anything longer than a day is a day.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_SECONDS);
  // An HTTP-date starts with the day's name; Date.parse would also read "5.5" as a date.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - now) / 1000)), MAX_SECONDS);
}

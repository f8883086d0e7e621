import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (client secrets, passwords, cookie bindings) in constant time, whatever
 * their lengths: both are hashed first, so neither the content nor the length leaks.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

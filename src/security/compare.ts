/** Constant-time comparison of secrets given as strings (webhook tokens, verify tokens). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when equal; the time taken does not depend on where they differ, nor (beyond hashing) on their lengths. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

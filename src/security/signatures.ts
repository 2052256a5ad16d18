/**
 * Webhook signature primitives every provider uses: an HMAC-SHA256 over the signed parts, and a
 * constant-time comparison of the digest a delivery presented with ours (providers differ only in
 * the encoding, hex or base64, and in what they sign).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 keyed by `secret` over the parts, in order (e.g. timestamp, then the raw body). */
export function hmacSha256(secret: string, ...parts: Array<string | Buffer>): Buffer {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Whether a presented signature (`encoding` text) equals the expected digest, in constant time.
 * Unreadable text (wrong alphabet, wrong length) is simply not equal.
 */
export function signatureMatches(presented: string, expected: Buffer, encoding: 'hex' | 'base64'): boolean {
  const text = presented.trim();
  const valid = encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/.test(text) : /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0;
  if (!valid) return false;
  const given = Buffer.from(text, encoding);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a delivery's timestamp (epoch ms) lies within `toleranceMs` of `now`, either way. */
export const withinTolerance = (sentAtMs: number, now: number, toleranceMs: number): boolean => Math.abs(now - sentAtMs) <= toleranceMs;

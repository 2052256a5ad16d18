/**
 * Reading a webhook delivery's body, shared by every provider's handler: the JSON object (or the
 * 400 verdict naming why not), identifiers given as strings or numbers, and delivery keys kept to
 * a bounded length whatever the provider's ids grow to.
 */
import { createHash } from 'node:crypto';
import type { WebhookVerdict } from './types.js';

type Rejection = Extract<WebhookVerdict, { kind: 'rejected' }>;

/** The body as a JSON object, or the 400 verdict ("body is not JSON" / "not a JSON object"). */
export function jsonObjectBody(rawBody: Buffer): { ok: true; body: Record<string, unknown> } | { ok: false; verdict: Rejection } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, verdict: { kind: 'rejected', status: 400, reason: 'body is not JSON' } };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, verdict: { kind: 'rejected', status: 400, reason: 'body is not a JSON object' } };
  return { ok: true, body: body as Record<string, unknown> };
}

/** A non-empty string (trimmed) or a safe integer, as text; null for anything else. */
export const idText = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : null;

/** A delivery key of at most 200 characters (longer ones become their SHA-256). */
export const deliveryKey = (key: string): string => (key.length <= 200 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`);

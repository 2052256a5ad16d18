/**
 * WHOOP's webhook deliveries (v2 model): POST `{user_id, id, type, trace_id}` to the URL
 * registered in the developer dashboard, with `X-WHOOP-Signature-Timestamp` (epoch ms) and
 * `X-WHOOP-Signature` = base64 HMAC-SHA256 of (timestamp + raw body) keyed by the client secret.
 * Notify-only: the receiver fetches the record by id. Recovery events name the sleep's UUID.
 */
import { randomUUID } from 'node:crypto';
import { hmacSha256 } from '../../security/signatures.js';
import type { DeliveryLogEntry } from './store.js';

export const WEBHOOK_TYPES = ['workout.updated', 'workout.deleted', 'sleep.updated', 'sleep.deleted', 'recovery.updated', 'recovery.deleted'] as const;
export type WhoopWebhookType = (typeof WEBHOOK_TYPES)[number];

export function signWhoopWebhook(timestamp: string, rawBody: string, secret: string): string {
  return hmacSha256(secret, timestamp, rawBody).toString('base64');
}

/** POSTs one signed delivery; status 0 when the target could not be reached. */
export async function deliverWhoopWebhook(url: string, payload: { user_id: number; id: string; type: string; trace_id?: string }, secret: string, timestamp: string): Promise<DeliveryLogEntry> {
  const body = JSON.stringify({ user_id: payload.user_id, id: payload.id, type: payload.type, trace_id: payload.trace_id ?? randomUUID() });
  const headers = {
    'content-type': 'application/json',
    'x-whoop-signature-timestamp': timestamp,
    'x-whoop-signature': signWhoopWebhook(timestamp, body, secret),
  };
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { url, status: res.status, headers, body };
  } catch {
    return { url, status: 0, headers, body };
  }
}

/**
 * Oura webhook deliveries and the subscription verification challenge.
 *
 * Delivery: POST `{event_type: create|update|delete, data_type, object_id, event_time, user_id}`
 * with `x-oura-timestamp` and `x-oura-signature` = upper-case hex HMAC-SHA256 of
 * (timestamp + raw body) keyed by the app's client secret. The secret handle() receives is that
 * client secret (the registrar returns it as the registration's secret, so the webhook route
 * stores it encrypted and passes it back; see webhook-registration.ts).
 *
 * Replay window: when `x-oura-timestamp` reads as an instant (ISO 8601, or epoch seconds /
 * milliseconds), deliveries more than 5 minutes away from our clock (either way) are rejected.
 * A timestamp that reads as neither is still covered by the signature and accepted; de-duplication
 * by deliveryKey stops replays of those.
 */
import { constantTimeEqual } from '../../security/compare.js';
import { hmacSha256, signatureMatches as digestMatches } from '../../security/signatures.js';
import type { WebhookEvent, WebhookHandler, WebhookVerdict } from '../types.js';
import { deliveryKey as capKey, idText as nonEmpty, jsonObjectBody } from '../webhook-body.js';
import { OURA_DATA_TYPES, type OuraDataType } from './fetchers.js';

export const OURA_WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Webhook data_type -> the data types to refetch. daily_sleep also refreshes `sleep`, because the
 * day's sleep score is copied onto the main sleep when sleep is fetched. Oura names its data types
 * like its collections; anything not listed (tag, ring_configuration, ...) is ignored.
 */
export const OURA_WEBHOOK_DATA_TYPES: Readonly<Record<string, readonly OuraDataType[]>> = {
  sleep: [OURA_DATA_TYPES.sleep],
  daily_sleep: [OURA_DATA_TYPES.dailySleep, OURA_DATA_TYPES.sleep],
  daily_readiness: [OURA_DATA_TYPES.dailyReadiness],
  daily_activity: [OURA_DATA_TYPES.dailyActivity],
  workout: [OURA_DATA_TYPES.workout],
  session: [OURA_DATA_TYPES.session],
  daily_spo2: [OURA_DATA_TYPES.dailySpo2],
  daily_stress: [OURA_DATA_TYPES.dailyStress],
  daily_resilience: [OURA_DATA_TYPES.dailyResilience],
  vO2_max: [OURA_DATA_TYPES.vo2Max],
  vo2_max: [OURA_DATA_TYPES.vo2Max],
};

/** The upper-case hex signature Oura sends for a delivery. */
export function signOuraWebhook(timestamp: string, rawBody: Buffer | string, secret: string): string {
  return hmacSha256(secret, timestamp, rawBody).toString('hex').toUpperCase();
}

/** Hex decoding makes the comparison case-insensitive. */
const signatureMatches = (rawBody: Buffer, timestamp: string, header: string, secret: string): boolean => digestMatches(header, hmacSha256(secret, timestamp, rawBody), 'hex');

/** x-oura-timestamp -> epoch ms: ISO 8601, or epoch seconds / milliseconds; null when neither. */
export function parseOuraTimestamp(value: string): number | null {
  const v = value.trim();
  if (/^\d{1,16}(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n >= 1e12 ? n : n * 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

export interface OuraWebhookOptions {
  now?: () => number;
  toleranceSeconds?: number;
}

export function createOuraWebhookHandler(options: OuraWebhookOptions = {}): WebhookHandler {
  const now = options.now ?? Date.now;
  const toleranceMs = (options.toleranceSeconds ?? OURA_WEBHOOK_TOLERANCE_SECONDS) * 1000;
  return {
    handle({ rawBody, headers }, secret): WebhookVerdict {
      if (!secret) return { kind: 'rejected', status: 401, reason: 'no Oura client secret to verify deliveries with' };
      const signature = headers.get('x-oura-signature');
      const timestamp = headers.get('x-oura-timestamp');
      if (!signature || timestamp === null) return { kind: 'rejected', status: 401, reason: 'missing x-oura-signature or x-oura-timestamp' };
      if (!signatureMatches(rawBody, timestamp, signature, secret)) return { kind: 'rejected', status: 401, reason: 'invalid x-oura-signature' };
      const sentAt = parseOuraTimestamp(timestamp);
      if (sentAt !== null && Math.abs(now() - sentAt) > toleranceMs) {
        return { kind: 'rejected', status: 401, reason: `x-oura-timestamp outside the ${toleranceMs / 1000} s tolerance` };
      }

      const parsed = jsonObjectBody(rawBody);
      if (!parsed.ok) return parsed.verdict;
      const delivery = parsed.body;

      const eventType = nonEmpty(delivery.event_type);
      const dataType = nonEmpty(delivery.data_type);
      const label = `${dataType ?? '(no data_type)'}:${eventType ?? '(no event_type)'}`;
      if (eventType !== 'create' && eventType !== 'update' && eventType !== 'delete') return { kind: 'events', events: [], ignored: [label] };
      const dataTypes = dataType ? OURA_WEBHOOK_DATA_TYPES[dataType] : undefined;
      if (!dataTypes) return { kind: 'events', events: [], ignored: [label] };
      const userId = nonEmpty(delivery.user_id);
      if (!userId) return { kind: 'events', events: [], ignored: [`${label} without user_id`] };
      const objectId = nonEmpty(delivery.object_id);
      const eventTime = nonEmpty(delivery.event_time) ?? '';
      const baseKey = `${dataType}:${objectId ?? ''}:${eventType}:${eventTime}`;

      if (eventType === 'delete') {
        // Only the named object is gone; nothing to refetch. Without an object id there is nothing to delete.
        if (!objectId) return { kind: 'events', events: [], ignored: [`${label} without object_id`] };
        return {
          kind: 'events',
          events: [{ providerUserId: userId, dataType: dataTypes[0], action: 'delete', providerRecordId: objectId, deliveryKey: baseKey }],
          ignored: [],
        };
      }
      const events: WebhookEvent[] = dataTypes.map((name, i) => ({
        providerUserId: userId,
        dataType: name,
        action: 'upsert',
        // object_id names the changed document for the delivered data type only.
        ...(i === 0 && objectId ? { providerRecordId: objectId } : {}),
        // Keys stay within a sane length even if Oura's ids grow.
        deliveryKey: i === 0 ? capKey(baseKey) : capKey(`${baseKey}:${name}`),
      }));
      return { kind: 'events', events, ignored: [] };
    },
  };
}

export const ouraWebhookHandler: WebhookHandler = createOuraWebhookHandler();


/**
 * GET /webhooks/oura?verification_token=...&challenge=...: Oura's check when a subscription is
 * created or updated. 200 `{challenge}` only when the token equals ours exactly; 401 otherwise
 * (also when no token is configured or no challenge was sent).
 */
export function verifyChallenge(query: URLSearchParams, expectedToken: string | null): { status: 200 | 401; body: { challenge: string } | { error: string } } {
  const token = query.get('verification_token');
  const challenge = query.get('challenge');
  if (!expectedToken) return { status: 401, body: { error: 'no verification token configured (OURA_WEBHOOK_VERIFICATION_TOKEN)' } };
  if (token === null || !constantTimeEqual(token, expectedToken)) return { status: 401, body: { error: 'verification_token does not match' } };
  if (challenge === null || challenge === '') return { status: 401, body: { error: 'missing challenge' } };
  return { status: 200, body: { challenge } };
}

/**
 * Polar webhook deliveries: `Polar-Webhook-Signature` is the lower-case hex HMAC-SHA256 of the raw
 * body keyed by the webhook's signature_secret_key. A delivery only says what changed; each event
 * becomes a request to refetch one or more data types around a date.
 */
import { createHash } from 'node:crypto';
import { hmacSha256, signatureMatches as digestMatches } from '../../security/signatures.js';
import type { WebhookEvent, WebhookHandler, WebhookVerdict } from '../types.js';
import { jsonObjectBody } from '../webhook-body.js';
import { POLAR_DATA_TYPES } from './fetchers.js';

/**
 * Event -> the data types to refetch. SLEEP also refreshes Nightly Recharge and skin temperature
 * (no events of their own; they are computed from the same night); EXERCISE refreshes cardio load
 * (derived from exercises). SleepWise events have no data type here and are ignored.
 */
export const POLAR_WEBHOOK_EVENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  EXERCISE: [POLAR_DATA_TYPES.exercise, POLAR_DATA_TYPES.cardioLoad],
  SLEEP: [POLAR_DATA_TYPES.sleep, POLAR_DATA_TYPES.nightlyRecharge, POLAR_DATA_TYPES.skinTemperature],
  CONTINUOUS_HEART_RATE: [POLAR_DATA_TYPES.continuousHeartRate],
  ACTIVITY_SUMMARY: [POLAR_DATA_TYPES.dailyActivity],
  PHYSICAL_INFORMATION: [POLAR_DATA_TYPES.physicalInformation],
};

export function signPolarWebhook(rawBody: Buffer | string, secret: string): string {
  return hmacSha256(secret, rawBody).toString('hex');
}

const signatureMatches = (rawBody: Buffer, header: string | null, secret: string): boolean => header !== null && digestMatches(header, hmacSha256(secret, rawBody), 'hex');

const isDate = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

export const polarWebhookHandler: WebhookHandler = {
  handle({ rawBody, headers }, secret): WebhookVerdict {
    const parsed = jsonObjectBody(rawBody);

    // Polar pings the URL while the webhook is being created, signed with a secret we only learn
    // from that creation's response, so a PING cannot be verified. It triggers nothing.
    if (parsed.ok && parsed.body.event === 'PING') return { kind: 'ping' };

    if (!secret) return { kind: 'rejected', status: 401, reason: 'no webhook secret configured' };
    if (!signatureMatches(rawBody, headers.get('polar-webhook-signature'), secret)) {
      return { kind: 'rejected', status: 401, reason: 'missing or invalid Polar-Webhook-Signature' };
    }
    if (!parsed.ok) return parsed.verdict;
    const delivery = parsed.body;

    const event = typeof delivery.event === 'string' ? delivery.event : '';
    const dataTypes = POLAR_WEBHOOK_EVENT_TYPES[event];
    if (!dataTypes) return { kind: 'events', events: [], ignored: [event || '(no event)'] };
    const userId = delivery.user_id;
    if ((typeof userId !== 'number' && typeof userId !== 'string') || userId === '') {
      return { kind: 'events', events: [], ignored: [`${event} without user_id`] };
    }
    // Sleep, activity and HR events name the local date; an exercise event only has the delivery
    // timestamp (UTC), so its date may be a day off the local one: refetch around it.
    const timestamp = typeof delivery.timestamp === 'string' ? delivery.timestamp : '';
    const date = isDate(delivery.date) ? delivery.date : isDate(timestamp.slice(0, 10)) ? timestamp.slice(0, 10) : undefined;
    const entity = typeof delivery.entity_id === 'string' || typeof delivery.entity_id === 'number' ? String(delivery.entity_id) : '';
    const key = createHash('sha256').update(`${event}|${userId}|${entity}|${delivery.date ?? ''}|${timestamp}`).digest('hex').slice(0, 32);

    const events: WebhookEvent[] = dataTypes.map((dataType) => ({
      providerUserId: String(userId),
      dataType,
      action: 'upsert',
      // entity_id is Polar's hashed exercise id, not our providerRecordId (see mappers.ts), so it is
      // not passed on as one.
      ...(date ? { date } : {}),
      deliveryKey: `polar:${key}:${dataType}`,
    }));
    return { kind: 'events', events, ignored: [] };
  },
};

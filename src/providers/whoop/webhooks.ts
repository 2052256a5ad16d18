/**
 * WHOOP webhook deliveries (v2 model, registered in WHOOP's developer dashboard; no subscription
 * API, no challenge). POST `{user_id, id, type, trace_id}` with `X-WHOOP-Signature-Timestamp`
 * (epoch ms) and `X-WHOOP-Signature` = base64 HMAC-SHA256 of (timestamp + raw body) keyed by the
 * app's client secret (the route passes it: `secret: 'clientSecret'`).
 *
 * Deliveries more than 5 minutes from our clock either way are refused (replays); re-deliveries
 * of one event share its trace_id and are de-duplicated by the intake.
 *
 * Events: `<sleep|workout|recovery>.updated` fetch the named record by id (a recovery event names
 * its sleep's UUID); `*.deleted` remove the record at once (recovery: `recovery:<sleep UUID>`; a
 * deleted sleep also removes the recovery scored from it).
 * A workout changes its cycle's strain, so workout.updated also refreshes the recent cycles.
 */
import { hmacSha256, signatureMatches, withinTolerance } from '../../security/signatures.js';
import type { WebhookEvent, WebhookHandler, WebhookVerdict } from '../types.js';
import { deliveryKey as capKey, idText as text, jsonObjectBody } from '../webhook-body.js';
import { WHOOP_DATA_TYPES } from './fetchers.js';
import { recoveryRecordId } from './mappers.js';

export const WHOOP_WEBHOOK_TOLERANCE_SECONDS = 300;

/** The base64 signature WHOOP sends for a delivery. */
export function signWhoopWebhook(timestamp: string, rawBody: Buffer | string, secret: string): string {
  return hmacSha256(secret, timestamp, rawBody).toString('base64');
}

const KINDS = { sleep: WHOOP_DATA_TYPES.sleep, workout: WHOOP_DATA_TYPES.workout, recovery: WHOOP_DATA_TYPES.recovery } as const;

export function createWhoopWebhookHandler(options: { now?: () => number; toleranceSeconds?: number } = {}): WebhookHandler {
  const now = options.now ?? Date.now;
  const toleranceMs = (options.toleranceSeconds ?? WHOOP_WEBHOOK_TOLERANCE_SECONDS) * 1000;
  return {
    secret: 'clientSecret',
    handle({ rawBody, headers }, secret): WebhookVerdict {
      if (!secret) return { kind: 'rejected', status: 401, reason: 'no WHOOP client secret configured to verify deliveries with (WHOOP_CLIENT_SECRET)' };
      const signature = headers.get('x-whoop-signature');
      const timestamp = headers.get('x-whoop-signature-timestamp');
      if (!signature || !timestamp) return { kind: 'rejected', status: 401, reason: 'missing X-WHOOP-Signature or X-WHOOP-Signature-Timestamp' };
      if (!signatureMatches(signature, hmacSha256(secret, timestamp, rawBody), 'base64')) return { kind: 'rejected', status: 401, reason: 'invalid X-WHOOP-Signature' };
      const sentAt = /^\d{1,16}$/.test(timestamp.trim()) ? Number(timestamp) : NaN;
      if (!Number.isFinite(sentAt) || !withinTolerance(sentAt, now(), toleranceMs)) {
        return { kind: 'rejected', status: 401, reason: `X-WHOOP-Signature-Timestamp is not epoch milliseconds within ${toleranceMs / 1000} s of now` };
      }
      const parsed = jsonObjectBody(rawBody);
      if (!parsed.ok) return parsed.verdict;
      const delivery = parsed.body;
      const type = text(delivery.type) ?? '(no type)';
      const [kind, action] = type.split('.');
      const dataType = KINDS[kind as keyof typeof KINDS];
      if (!dataType || (action !== 'updated' && action !== 'deleted')) return { kind: 'events', events: [], ignored: [type] };
      const userId = text(delivery.user_id);
      const id = text(delivery.id);
      if (!userId || !id) return { kind: 'events', events: [], ignored: [`${type} without user_id or id`] };
      const deliveryKey = capKey(`${type}:${id}:${text(delivery.trace_id) ?? timestamp}`);
      const recordId = dataType === WHOOP_DATA_TYPES.recovery && action === 'deleted' ? recoveryRecordId(id) : id;
      const events: WebhookEvent[] = [{ providerUserId: userId, dataType, action: action === 'deleted' ? 'delete' : 'upsert', providerRecordId: recordId, deliveryKey }];
      // A recovery belongs to its sleep: a deleted sleep takes its recovery along (recovery.deleted may never come).
      if (dataType === WHOOP_DATA_TYPES.sleep && action === 'deleted') {
        events.push({ providerUserId: userId, dataType: WHOOP_DATA_TYPES.recovery, action: 'delete', providerRecordId: recoveryRecordId(id), deliveryKey: capKey(`${deliveryKey}:recovery`) });
      }
      if (dataType === WHOOP_DATA_TYPES.workout && action === 'updated') {
        events.push({ providerUserId: userId, dataType: WHOOP_DATA_TYPES.cycle, action: 'upsert', deliveryKey: capKey(`${deliveryKey}:cycle`) });
      }
      return { kind: 'events', events, ignored: [] };
    },
  };
}

export const whoopWebhookHandler: WebhookHandler = createWhoopWebhookHandler();

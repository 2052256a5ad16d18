/**
 * Strava's push events and the subscription handshake.
 *
 * Events are POSTed unsigned: `{object_type: activity|athlete, object_id, aspect_type:
 * create|update|delete, owner_id, subscription_id, event_time, updates}`. One is accepted only when
 * it names our subscription (the stored registration's id); the intake then acts only for athletes
 * we hold an active connection of. The body's data is never trusted: a create or update fetches
 * the activity by REST (a webhook-triggered sync of the recent days), a delete removes it, and an
 * athlete update with `updates.authorized: "false"` (the user withdrew our access) revokes the
 * connection. Re-deliveries are recognised by (subscription, object, aspect, event_time).
 *
 * Handshake: GET <callback>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=… must answer 200
 * with `{"hub.challenge": …}` within two seconds, and only when the token is ours
 * (STRAVA_WEBHOOK_VERIFY_TOKEN).
 */
import { constantTimeEqual } from '../../security/compare.js';
import type { ProviderSettings, WebhookEvent, WebhookHandler, WebhookVerdict } from '../types.js';
import { jsonObjectBody } from '../webhook-body.js';
import { STRAVA_DATA_TYPES } from './fetchers.js';

const idOf = (value: unknown): string | null => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' && /^\d+$/.test(value) ? value : null);

export const stravaWebhookHandler: WebhookHandler = {
  handle({ rawBody }, _secret, registration): WebhookVerdict {
    const parsed = jsonObjectBody(rawBody);
    if (!parsed.ok) return parsed.verdict;
    const e = parsed.body;
    const subscription = idOf(e.subscription_id);
    if (!registration || subscription === null || !constantTimeEqual(subscription, registration.externalId)) {
      return { kind: 'rejected', status: 401, reason: 'subscription_id is not our subscription' };
    }
    const owner = idOf(e.owner_id);
    const object = idOf(e.object_id);
    const aspect = e.aspect_type;
    if (owner === null || object === null || typeof aspect !== 'string') return { kind: 'rejected', status: 400, reason: 'owner_id, object_id and aspect_type are required' };
    const deliveryKey = `strava:${subscription}:${e.object_type}:${object}:${aspect}:${String(e.event_time)}`;
    const updates = typeof e.updates === 'object' && e.updates !== null ? (e.updates as Record<string, unknown>) : {};
    let event: WebhookEvent | null = null;
    if (e.object_type === 'activity' && (aspect === 'create' || aspect === 'update')) {
      event = { providerUserId: owner, dataType: STRAVA_DATA_TYPES.activity, action: 'upsert', providerRecordId: object, deliveryKey };
    } else if (e.object_type === 'activity' && aspect === 'delete') {
      event = { providerUserId: owner, dataType: STRAVA_DATA_TYPES.activity, action: 'delete', providerRecordId: object, deliveryKey };
    } else if (e.object_type === 'athlete' && aspect === 'update' && String(updates.authorized) === 'false') {
      event = { providerUserId: owner, dataType: 'athlete', action: 'revoke', deliveryKey };
    }
    if (!event) return { kind: 'events', events: [], ignored: [`${String(e.object_type)}:${aspect}`] };
    return { kind: 'events', events: [event], ignored: [] };
  },

  answerChallenge(query: URLSearchParams, settings: ProviderSettings) {
    const expected = settings.webhookVerificationToken ?? null;
    if (!expected) return { status: 401, body: { error: 'no verify token configured (STRAVA_WEBHOOK_VERIFY_TOKEN)' } };
    const token = query.get('hub.verify_token');
    const challenge = query.get('hub.challenge');
    if (query.get('hub.mode') !== 'subscribe') return { status: 400, body: { error: 'hub.mode must be subscribe' } };
    if (token === null || !constantTimeEqual(token, expected)) return { status: 401, body: { error: 'hub.verify_token does not match' } };
    if (!challenge) return { status: 400, body: { error: 'hub.challenge is missing' } };
    return { status: 200, body: { 'hub.challenge': challenge } };
  },
};

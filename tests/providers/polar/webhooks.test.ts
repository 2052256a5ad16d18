import { createHmac } from 'node:crypto';
import { polarWebhookHandler } from '../../../src/providers/polar/webhooks.js';

const SECRET = '5b1a7a53-3b1f-4a55-9d55-5a6a2b1f0c11';

function delivery(body: unknown, options: { secret?: string; signature?: string | null; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const headers = new Headers({ 'Content-Type': 'application/json', 'Polar-Webhook-Event': String((body as { event?: string })?.event) });
  const signature =
    options.signature === undefined ? createHmac('sha256', options.secret ?? SECRET).update(raw).digest('hex') : options.signature;
  if (signature !== null) headers.set('Polar-Webhook-Signature', signature);
  return { rawBody: Buffer.from(raw, 'utf8'), headers };
}

const exerciseEvent = {
  event: 'EXERCISE',
  user_id: 475,
  entity_id: 'aQlC83',
  timestamp: '2018-05-15T14:22:24Z',
  url: 'https://www.polaraccesslink.com/v3/exercises/aQlC83',
};

describe('Polar webhooks', () => {
  it('accepts a correctly signed EXERCISE delivery and asks for exercise + cardio load', () => {
    const verdict = polarWebhookHandler.handle(delivery(exerciseEvent), SECRET);
    expect(verdict.kind).toBe('events');
    if (verdict.kind !== 'events') return;
    expect(verdict.ignored).toEqual([]);
    expect(verdict.events.map((e) => e.dataType)).toEqual(['exercise', 'cardio_load']);
    for (const e of verdict.events) {
      expect(e).toMatchObject({ providerUserId: '475', action: 'upsert', date: '2018-05-15' });
      expect(e.deliveryKey).toMatch(/^polar:[0-9a-f]{32}:/);
    }
    // Re-delivery of the same body gives the same keys.
    const again = polarWebhookHandler.handle(delivery(exerciseEvent), SECRET);
    expect(again.kind === 'events' && again.events.map((e) => e.deliveryKey)).toEqual(verdict.events.map((e) => e.deliveryKey));
  });

  it('maps SLEEP (with its date), CONTINUOUS_HEART_RATE and ACTIVITY_SUMMARY to their data types', () => {
    const sleep = polarWebhookHandler.handle(delivery({ event: 'SLEEP', user_id: 475, date: '2025-03-14', timestamp: '2025-03-14T06:02:00Z' }), SECRET);
    expect(sleep.kind === 'events' && sleep.events.map((e) => [e.dataType, e.date])).toEqual([
      ['sleep', '2025-03-14'],
      ['nightly_recharge', '2025-03-14'],
      ['skin_temperature', '2025-03-14'],
    ]);
    const hr = polarWebhookHandler.handle(delivery({ event: 'CONTINUOUS_HEART_RATE', user_id: 475, date: '2025-03-13' }), SECRET);
    expect(hr.kind === 'events' && hr.events.map((e) => [e.dataType, e.date])).toEqual([['continuous_heart_rate', '2025-03-13']]);
    const activity = polarWebhookHandler.handle(delivery({ event: 'ACTIVITY_SUMMARY', user_id: 475, date: '2025-03-13' }), SECRET);
    expect(activity.kind === 'events' && activity.events.map((e) => e.dataType)).toEqual(['daily_activity']);
  });

  it('rejects a wrong signature, a signature made with another secret, and a missing one with 401', () => {
    expect(polarWebhookHandler.handle(delivery(exerciseEvent, { signature: 'ab'.repeat(32) }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(polarWebhookHandler.handle(delivery(exerciseEvent, { secret: 'other' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(polarWebhookHandler.handle(delivery(exerciseEvent, { signature: null }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(polarWebhookHandler.handle(delivery(exerciseEvent, { signature: 'abc' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(polarWebhookHandler.handle(delivery(exerciseEvent, { signature: 'zz-not-hex' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(polarWebhookHandler.handle(delivery(exerciseEvent), null)).toMatchObject({ kind: 'rejected', status: 401 });
    // A body changed after signing.
    const tampered = delivery(exerciseEvent);
    tampered.rawBody = Buffer.from(JSON.stringify({ ...exerciseEvent, user_id: 476 }));
    expect(polarWebhookHandler.handle(tampered, SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('rejects a correctly signed body that is not JSON with 400', () => {
    expect(polarWebhookHandler.handle(delivery(null, { raw: '{"event": "EXERCISE", ' }), SECRET)).toMatchObject({ kind: 'rejected', status: 400 });
    expect(polarWebhookHandler.handle(delivery(null, { raw: '[1,2]' }), SECRET)).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('answers PING, also before the secret is known (Polar pings while the webhook is being created)', () => {
    const ping = { timestamp: '2025-03-14T10:00:00.000Z', event: 'PING' };
    expect(polarWebhookHandler.handle(delivery(ping), SECRET)).toEqual({ kind: 'ping' });
    expect(polarWebhookHandler.handle(delivery(ping, { secret: 'new-secret' }), null)).toEqual({ kind: 'ping' });
  });

  it('lists unknown and unsupported events as ignored', () => {
    expect(polarWebhookHandler.handle(delivery({ event: 'SLEEP_WISE_ALERTNESS', user_id: 475 }), SECRET)).toEqual({
      kind: 'events',
      events: [],
      ignored: ['SLEEP_WISE_ALERTNESS'],
    });
    expect(polarWebhookHandler.handle(delivery({ event: 'SOMETHING_NEW', user_id: 475 }), SECRET)).toEqual({
      kind: 'events',
      events: [],
      ignored: ['SOMETHING_NEW'],
    });
    expect(polarWebhookHandler.handle(delivery({ event: 'EXERCISE' }), SECRET)).toMatchObject({ kind: 'events', events: [], ignored: ['EXERCISE without user_id'] });
  });
});

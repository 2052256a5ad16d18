import { createHmac } from 'node:crypto';
import { signOuraWebhook as fakeSign } from '../../fakes/oura/index.js';
import { createOuraWebhookHandler, parseOuraTimestamp, verifyChallenge } from '../../../src/providers/oura/webhooks.js';

const SECRET = 'oura-client-secret-0123456789';
const NOW = Date.parse('2025-03-14T06:30:00Z');
const handler = createOuraWebhookHandler({ now: () => NOW });

function delivery(body: unknown, options: { secret?: string; signature?: string | null; timestamp?: string | null; raw?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const timestamp = options.timestamp === undefined ? '2025-03-14T06:29:30Z' : options.timestamp;
  const headers = new Headers({ 'Content-Type': 'application/json' });
  if (timestamp !== null) headers.set('x-oura-timestamp', timestamp);
  const signature =
    options.signature === undefined
      ? createHmac('sha256', options.secret ?? SECRET).update(`${timestamp ?? ''}${raw}`).digest('hex').toUpperCase()
      : options.signature;
  if (signature !== null) headers.set('x-oura-signature', signature);
  return { rawBody: Buffer.from(raw, 'utf8'), headers };
}

const sleepCreate = {
  event_type: 'create',
  data_type: 'sleep',
  object_id: '8f9a5221-639e-4a85-81cb-4065ef23f979',
  event_time: '2025-03-14T06:29:12.123+00:00',
  user_id: 'oura-user-1',
};

describe('Oura webhook deliveries', () => {
  it('accepts a correctly signed create and names the object', () => {
    const verdict = handler.handle(delivery(sleepCreate), SECRET);
    expect(verdict).toEqual({
      kind: 'events',
      ignored: [],
      events: [
        {
          providerUserId: 'oura-user-1',
          dataType: 'sleep',
          action: 'upsert',
          providerRecordId: '8f9a5221-639e-4a85-81cb-4065ef23f979',
          deliveryKey: 'sleep:8f9a5221-639e-4a85-81cb-4065ef23f979:create:2025-03-14T06:29:12.123+00:00',
        },
      ],
    });
    // Re-delivery gives the same key.
    const again = handler.handle(delivery(sleepCreate), SECRET);
    expect(again.kind === 'events' && again.events[0].deliveryKey).toBe(verdict.kind === 'events' && verdict.events[0].deliveryKey);
  });

  it('accepts what the Oura fake signs (epoch-seconds timestamp)', () => {
    const raw = JSON.stringify(sleepCreate);
    const timestamp = String(Math.floor(NOW / 1000) - 5);
    const headers = new Headers({ 'x-oura-timestamp': timestamp, 'x-oura-signature': fakeSign(timestamp, raw, SECRET) });
    expect(handler.handle({ rawBody: Buffer.from(raw), headers }, SECRET).kind).toBe('events');
  });

  it('compares the signature case-insensitively', () => {
    const raw = JSON.stringify(sleepCreate);
    const lower = createHmac('sha256', SECRET).update(`2025-03-14T06:29:30Z${raw}`).digest('hex');
    expect(handler.handle(delivery(sleepCreate, { signature: lower }), SECRET).kind).toBe('events');
  });

  it('rejects bad, foreign-secret, truncated, non-hex and missing signatures with 401', () => {
    expect(handler.handle(delivery(sleepCreate, { signature: 'AB'.repeat(32) }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { secret: 'another-secret' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { signature: 'ABCD' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { signature: 'not-hex!' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { signature: null }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { timestamp: null }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate), null)).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('rejects a body changed after signing (the timestamp is part of the signature too)', () => {
    const good = delivery(sleepCreate);
    const tampered = { ...good, rawBody: Buffer.from(JSON.stringify({ ...sleepCreate, user_id: 'someone-else' })) };
    expect(handler.handle(tampered, SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    const headers = new Headers(good.headers);
    headers.set('x-oura-timestamp', '2025-03-14T06:29:31Z');
    expect(handler.handle({ rawBody: good.rawBody, headers }, SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
  });

  it('rejects stale (or far-future) timestamps, ISO or epoch; accepts fresh ones', () => {
    expect(handler.handle(delivery(sleepCreate, { timestamp: '2025-03-14T06:20:00Z' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { timestamp: String((NOW - 6 * 60_000) / 1000) }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { timestamp: String(NOW - 10 * 60_000) }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { timestamp: '2025-03-14T06:45:00Z' }), SECRET)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(handler.handle(delivery(sleepCreate, { timestamp: String(NOW / 1000 - 60) }), SECRET).kind).toBe('events');
    expect(handler.handle(delivery(sleepCreate, { timestamp: String(NOW - 60_000) }), SECRET).kind).toBe('events');
    // Unreadable as a time: still covered by the signature, accepted.
    expect(handler.handle(delivery(sleepCreate, { timestamp: 'opaque-nonce' }), SECRET).kind).toBe('events');
    expect(parseOuraTimestamp('2025-03-14T06:29:30.5+00:00')).toBe(Date.parse('2025-03-14T06:29:30.5Z'));
    expect(parseOuraTimestamp('1741933770')).toBe(1741933770000);
    expect(parseOuraTimestamp('nonsense')).toBeNull();
  });

  it('answers 400 to a signed body that is not JSON or not an object', () => {
    expect(handler.handle(delivery(null, { raw: '{"event_type": "create"' }), SECRET)).toMatchObject({ kind: 'rejected', status: 400 });
    expect(handler.handle(delivery(null, { raw: '[1,2]' }), SECRET)).toMatchObject({ kind: 'rejected', status: 400 });
  });

  it('turns a delete event into a delete of the named object', () => {
    const verdict = handler.handle(delivery({ ...sleepCreate, event_type: 'delete', data_type: 'workout', object_id: 'wk-1' }), SECRET);
    expect(verdict).toEqual({
      kind: 'events',
      ignored: [],
      events: [
        {
          providerUserId: 'oura-user-1',
          dataType: 'workout',
          action: 'delete',
          providerRecordId: 'wk-1',
          deliveryKey: 'workout:wk-1:delete:2025-03-14T06:29:12.123+00:00',
        },
      ],
    });
  });

  it('daily_sleep also refreshes sleep (the score lives on the main sleep); unknown data types are ignored', () => {
    const verdict = handler.handle(delivery({ ...sleepCreate, event_type: 'update', data_type: 'daily_sleep', object_id: 'ds-1' }), SECRET);
    expect(verdict.kind === 'events' && verdict.events.map((e) => [e.dataType, e.action, e.providerRecordId ?? null, e.deliveryKey])).toEqual([
      ['daily_sleep', 'upsert', 'ds-1', 'daily_sleep:ds-1:update:2025-03-14T06:29:12.123+00:00'],
      ['sleep', 'upsert', null, 'daily_sleep:ds-1:update:2025-03-14T06:29:12.123+00:00:sleep'],
    ]);
    expect(handler.handle(delivery({ ...sleepCreate, data_type: 'tag' }), SECRET)).toEqual({ kind: 'events', events: [], ignored: ['tag:create'] });
    expect(handler.handle(delivery({ ...sleepCreate, event_type: 'archive' }), SECRET)).toEqual({ kind: 'events', events: [], ignored: ['sleep:archive'] });
    expect(handler.handle(delivery({ ...sleepCreate, user_id: undefined }), SECRET)).toMatchObject({ kind: 'events', events: [] });
  });
});

describe('Oura subscription verification challenge', () => {
  const q = (params: Record<string, string>) => new URLSearchParams(params);

  it('echoes the challenge only when the verification token matches exactly', () => {
    expect(verifyChallenge(q({ verification_token: 'tok-123', challenge: 'ch-9' }), 'tok-123')).toEqual({ status: 200, body: { challenge: 'ch-9' } });
    expect(verifyChallenge(q({ verification_token: 'tok-124', challenge: 'ch-9' }), 'tok-123').status).toBe(401);
    expect(verifyChallenge(q({ verification_token: 'TOK-123', challenge: 'ch-9' }), 'tok-123').status).toBe(401);
    expect(verifyChallenge(q({ verification_token: 'tok-1234', challenge: 'ch-9' }), 'tok-123').status).toBe(401);
    expect(verifyChallenge(q({ challenge: 'ch-9' }), 'tok-123').status).toBe(401);
    expect(verifyChallenge(q({ verification_token: 'tok-123' }), 'tok-123').status).toBe(401);
    expect(verifyChallenge(q({ verification_token: '', challenge: 'ch-9' }), null).status).toBe(401);
  });
});

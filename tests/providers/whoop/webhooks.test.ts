/** WHOOP webhook deliveries read into events (no database): signature, timestamp window, what each type asks for. */
import { createWhoopWebhookHandler, signWhoopWebhook } from '../../../src/providers/whoop/webhooks.js';

const SECRET = 'whoop-secret';
const NOW = Date.parse('2026-12-01T08:00:00Z');
const handler = createWhoopWebhookHandler({ now: () => NOW });

function deliver(body: object, options: { secret?: string; timestamp?: string } = {}) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const timestamp = options.timestamp ?? String(NOW);
  const headers = new Headers({ 'x-whoop-signature': signWhoopWebhook(timestamp, rawBody, options.secret ?? SECRET), 'x-whoop-signature-timestamp': timestamp });
  return handler.handle({ rawBody, headers } as never, SECRET, null as never);
}

describe('WHOOP webhook deliveries', () => {
  it('sleep.deleted removes the sleep and the recovery scored from it', () => {
    expect(deliver({ user_id: 10129, id: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8', type: 'sleep.deleted', trace_id: 't-1' })).toEqual({
      kind: 'events',
      ignored: [],
      events: [
        { providerUserId: '10129', dataType: 'sleep', action: 'delete', providerRecordId: 'ecfc6a15-4661-442f-a9a4-f160dd7afae8', deliveryKey: 'sleep.deleted:ecfc6a15-4661-442f-a9a4-f160dd7afae8:t-1' },
        { providerUserId: '10129', dataType: 'recovery', action: 'delete', providerRecordId: 'recovery:ecfc6a15-4661-442f-a9a4-f160dd7afae8', deliveryKey: 'sleep.deleted:ecfc6a15-4661-442f-a9a4-f160dd7afae8:t-1:recovery' },
      ],
    });
  });

  it('sleep.updated fetches the sleep only; a bad signature, an old timestamp or a non-object body is refused', () => {
    const updated = deliver({ user_id: 10129, id: 's-1', type: 'sleep.updated', trace_id: 't-2' });
    expect(updated.kind === 'events' && updated.events.map((e) => [e.dataType, e.action, e.providerRecordId])).toEqual([['sleep', 'upsert', 's-1']]);
    expect(deliver({ user_id: 1, id: 's-1', type: 'sleep.updated' }, { secret: 'other' })).toMatchObject({ kind: 'rejected', status: 401 });
    expect(deliver({ user_id: 1, id: 's-1', type: 'sleep.updated' }, { timestamp: String(NOW - 6 * 60_000) })).toMatchObject({ kind: 'rejected', status: 401 });
    const rawBody = Buffer.from('[1,2]');
    const headers = new Headers({ 'x-whoop-signature': signWhoopWebhook(String(NOW), rawBody, SECRET), 'x-whoop-signature-timestamp': String(NOW) });
    expect(handler.handle({ rawBody, headers } as never, SECRET, null as never)).toEqual({ kind: 'rejected', status: 400, reason: 'body is not a JSON object' });
  });
});

/**
 * Fetchers against a small in-memory stand-in for the Oura API (pages of 2 via next_token,
 * end_date exclusive, heartrate by instant). The full fake lives in tests/fakes/oura/.
 */
import { loadConfig } from '../../../src/config.js';
import type { HttpClient, HttpResponse } from '../../../src/providers/http.js';
import { ProviderForbiddenError } from '../../../src/providers/http.js';
import { createOuraAdapter } from '../../../src/providers/oura/index.js';
import type { ConnectionContext, RawItem, SyncWindow } from '../../../src/providers/types.js';

const API = 'https://api.example.test';

const collections: Record<string, Record<string, unknown>[]> = {
  sleep: [
    { id: 's-12', day: '2025-03-12', type: 'long_sleep', bedtime_start: '2025-03-11T23:00:00-07:00', bedtime_end: '2025-03-12T07:00:00-07:00', time_in_bed: 28800 },
    { id: 's-13', day: '2025-03-13', type: 'long_sleep', bedtime_start: '2025-03-12T23:00:00-07:00', bedtime_end: '2025-03-13T07:00:00-07:00', time_in_bed: 28800 },
    { id: 's-13n', day: '2025-03-13', type: 'late_nap', bedtime_start: '2025-03-13T15:00:00-07:00', bedtime_end: '2025-03-13T15:30:00-07:00', time_in_bed: 1800 },
    { id: 's-14', day: '2025-03-14', type: 'long_sleep', bedtime_start: '2025-03-13T23:30:00-07:00', bedtime_end: '2025-03-14T06:30:00-07:00', time_in_bed: 25200 },
    { id: 's-15', day: '2025-03-15', type: 'long_sleep', bedtime_start: '2025-03-14T23:30:00-07:00', bedtime_end: '2025-03-15T06:30:00-07:00', time_in_bed: 25200 },
  ],
  daily_sleep: [
    { id: 'ds-13', day: '2025-03-13', score: 81, timestamp: '2025-03-13T00:00:00-07:00' },
    { id: 'ds-14', day: '2025-03-14', score: 77, timestamp: '2025-03-14T00:00:00-07:00' },
  ],
  daily_spo2: [{ id: 'sp-14', day: '2025-03-14', spo2_percentage: { average: 97 }, breathing_disturbance_index: 3 }],
};
const heartrate = Array.from({ length: 72 }, (_, i) => ({
  bpm: 60 + (i % 10),
  source: i % 2 ? 'awake' : 'rest',
  timestamp: new Date(Date.parse('2025-03-12T00:00:00Z') + i * 3_600_000).toISOString().replace('Z', '+00:00'),
}));

function stubApi(options: { forbidden?: string[] } = {}) {
  const requests: string[] = [];
  const json = (status: number, body: unknown): HttpResponse => {
    const text = JSON.stringify(body);
    return { status, headers: new Headers(), body: text, json: <T>() => JSON.parse(text) as T };
  };
  const page = (all: unknown[], url: URL) => {
    const offset = Number(url.searchParams.get('next_token') ?? 0);
    const size = 2;
    return json(200, { data: all.slice(offset, offset + size), next_token: offset + size < all.length ? String(offset + size) : null });
  };
  const http: HttpClient = {
    async request(req) {
      const url = new URL(req.url);
      requests.push(`${url.pathname}?${url.searchParams.toString()}`);
      expect(req.headers?.Authorization).toBe('Bearer tok');
      const type = url.pathname.replace('/v2/usercollection/', '');
      if (options.forbidden?.includes(type)) throw new ProviderForbiddenError('403');
      if (type === 'heartrate') {
        const start = Date.parse(url.searchParams.get('start_datetime')!);
        const end = Date.parse(url.searchParams.get('end_datetime')!);
        expect(end - start).toBeLessThanOrEqual(30 * 86_400_000);
        return page(heartrate.filter((s) => Date.parse(s.timestamp) >= start && Date.parse(s.timestamp) < end), url);
      }
      const start = url.searchParams.get('start_date')!;
      const end = url.searchParams.get('end_date')!;
      return page((collections[type] ?? []).filter((d) => (d.day as string) >= start && (d.day as string) < end), url);
    },
  };
  return { http, requests };
}

async function run(name: string, window: SyncWindow, api = stubApi()) {
  const adapter = createOuraAdapter({ batchSize: 2 });
  const def = adapter.dataTypes.find((d) => d.name === name)!;
  const connection: ConnectionContext = {
    http: api.http,
    accessToken: 'tok',
    userId: 'u1',
    providerUserId: 'oura-1',
    settings: adapter.settings(loadConfig({ OURA_API_URL: API }), { sandbox: false }),
  };
  const items: RawItem[] = [];
  for await (const batch of def.fetch(connection, window)) {
    expect(batch.items.length).toBeLessThanOrEqual(2);
    items.push(...batch.items);
  }
  return { items, def, requests: api.requests };
}

describe('Oura fetchers', () => {
  it('offers every data type', () => {
    expect(createOuraAdapter().dataTypes.map((d) => d.name)).toEqual([
      'sleep',
      'daily_sleep',
      'daily_readiness',
      'daily_activity',
      'workout',
      'heartrate',
      'daily_spo2',
      'daily_stress',
      'daily_resilience',
      'vO2_max',
      'session',
    ]);
  });

  it('asks end_date = to + 1, follows next_token, keeps the window, copies the daily score onto the main sleep', async () => {
    const { items, def, requests } = await run('sleep', { from: '2025-03-13', to: '2025-03-14' });
    expect(requests).toContain('/v2/usercollection/sleep?start_date=2025-03-13&end_date=2025-03-15');
    expect(requests).toContain('/v2/usercollection/sleep?start_date=2025-03-13&end_date=2025-03-15&next_token=2');
    expect(items.map((i) => i.providerRecordId)).toEqual(['s-13', 's-13n', 's-14']);
    const scores = items.map((i) => {
      const outcome = def.map(i.payload);
      return outcome.ok ? outcome.records.find((r) => r.kind === 'sleep')!.record : null;
    });
    expect(scores.map((s) => s && 'score' in s && s.score)).toEqual([81, null, 77]);
  });

  it('groups heart rate per complete UTC day with the wearer offset from sleep', async () => {
    const { items, def, requests } = await run('heartrate', { from: '2025-03-13', to: '2025-03-13' });
    expect(requests[0]).toBe('/v2/usercollection/heartrate?start_datetime=2025-03-12T00%3A00%3A00%2B00%3A00&end_datetime=2025-03-15T00%3A00%3A00%2B00%3A00');
    expect(items.map((i) => [i.providerRecordId, (i.payload as { items: unknown[] }).items.length])).toEqual([
      ['heartrate:2025-03-12', 24],
      ['heartrate:2025-03-13', 24],
      ['heartrate:2025-03-14', 24],
    ]);
    const outcome = def.map(items[1].payload);
    const samples = outcome.ok && outcome.records[0].kind === 'heartRate' ? outcome.records[0].samples : [];
    expect(samples).toHaveLength(24);
    expect(new Set(samples.map((s) => s.utcOffsetMinutes))).toEqual(new Set([-420]));
  });

  it('injects the day offset into documents without a timestamp; tolerates 403 on optional collections', async () => {
    const { items, def } = await run('daily_spo2', { from: '2025-03-14', to: '2025-03-14' });
    expect(items).toHaveLength(1);
    const outcome = def.map(items[0].payload);
    const part = outcome.ok ? outcome.records[0] : null;
    expect(part?.kind === 'recoveryPart' && part.record).toMatchObject({ providerRecordId: '2025-03-14', utcOffsetMinutes: -420 });
    expect(outcome.ok && outcome.nulledFields).toEqual([]);

    const forbidden = await run('daily_spo2', { from: '2025-03-14', to: '2025-03-14' }, stubApi({ forbidden: ['daily_spo2'] }));
    expect(forbidden.items).toEqual([]);
    await expect(run('sleep', { from: '2025-03-14', to: '2025-03-14' }, stubApi({ forbidden: ['sleep'] }))).rejects.toBeInstanceOf(ProviderForbiddenError);
  });
});

/** Readers of rate-limit headers without a reset header: windows aligned to the clock (Strava's form). */
import { alignedUsageWindows } from '../../src/providers/rate-limit.js';

const strava = alignedUsageWindows({
  pairs: [
    { limit: 'X-RateLimit-Limit', usage: 'X-RateLimit-Usage' },
    { limit: 'X-ReadRateLimit-Limit', usage: 'X-ReadRateLimit-Usage' },
  ],
  periodsSeconds: [900, 86_400],
  periodsSetting: 'rateLimitPeriods',
});

describe('clock-aligned usage windows', () => {
  // 12:07:30 UTC: the 15-minute window ends at 12:15:00, the daily one at midnight.
  const now = Date.parse('2026-11-20T12:07:30Z');

  test('"short,long" usage becomes two windows per header pair, resets at the quarter hour and at midnight UTC', () => {
    const headers = new Headers({ 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '31,412', 'X-ReadRateLimit-Limit': '100,1000', 'X-ReadRateLimit-Usage': '31,995' });
    expect(strava(headers, now)).toEqual([
      { limit: 200, remaining: 169, resetAt: new Date('2026-11-20T12:15:00Z') },
      { limit: 2000, remaining: 1588, resetAt: new Date('2026-11-21T00:00:00Z') },
      { limit: 100, remaining: 69, resetAt: new Date('2026-11-20T12:15:00Z') },
      { limit: 1000, remaining: 5, resetAt: new Date('2026-11-21T00:00:00Z') },
    ]);
  });

  test('usage over the limit is nothing left; a missing or garbled pair is skipped; nothing usable is null', () => {
    expect(strava(new Headers({ 'X-RateLimit-Limit': '200,2000', 'X-RateLimit-Usage': '230,40', 'X-ReadRateLimit-Limit': 'many' }), now)).toEqual([
      { limit: 200, remaining: 0, resetAt: new Date('2026-11-20T12:15:00Z') },
      { limit: 2000, remaining: 1960, resetAt: new Date('2026-11-21T00:00:00Z') },
    ]);
    expect(strava(new Headers({ 'X-RateLimit-Limit': '200,2000' }), now)).toBeNull();
    expect(strava(new Headers(), now)).toBeNull();
  });

  test('the periods setting overrides the defaults (a server with shorter windows); a bad value keeps them', () => {
    const headers = new Headers({ 'X-RateLimit-Limit': '20,200', 'X-RateLimit-Usage': '5,5' });
    expect(strava(headers, Date.parse('2026-11-20T12:07:33.500Z'), { rateLimitPeriods: '5,60' })).toEqual([
      { limit: 20, remaining: 15, resetAt: new Date('2026-11-20T12:07:35Z') },
      { limit: 200, remaining: 195, resetAt: new Date('2026-11-20T12:08:00Z') },
    ]);
    expect(strava(headers, now, { rateLimitPeriods: '0,x' })![0].resetAt).toEqual(new Date('2026-11-20T12:15:00Z'));
  });
});

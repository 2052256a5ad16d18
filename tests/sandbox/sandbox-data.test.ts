/** The sandbox's generated data shows what the product does with real data (issue 13 item 20). */
import { makeSleep, nightlyHrvLevel, rngFor } from '../../src/sandbox/oura/data.js';

const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 8, 1) + i * 86_400_000).toISOString().slice(0, 10));

describe('Oura sandbox HRV', () => {
  it('varies night to night and over weeks around a per-user baseline (was 56-60 ms for 90 days), the same for a seed', () => {
    for (const ouraUserId of ['user-a', 'user-b', 'user-c']) {
      const ctx = { seed: 42, ouraUserId, offset: 120, weightKg: 70 };
      const nightly = days(90).map((day) => makeSleep(rngFor(42, ouraUserId, day), ctx, { day }).average_hrv as number);
      const mean = nightly.reduce((s, v) => s + v, 0) / nightly.length;
      const sd = Math.sqrt(nightly.reduce((s, v) => s + (v - mean) ** 2, 0) / nightly.length);
      expect(Math.max(...nightly) - Math.min(...nightly)).toBeGreaterThanOrEqual(15);
      expect(sd).toBeGreaterThan(4);
      expect(mean).toBeGreaterThan(30);
      expect(mean).toBeLessThan(95);
      // Deterministic for the seed and user.
      expect(days(90).map((day) => makeSleep(rngFor(42, ouraUserId, day), ctx, { day }).average_hrv as number)).toEqual(nightly);
    }
    // Users differ in baseline.
    const levels = ['user-a', 'user-b', 'user-c', 'user-d'].map((u) => Math.round(nightlyHrvLevel({ seed: 42, ouraUserId: u, offset: 0, weightKg: 70 }, '2026-09-01')));
    expect(new Set(levels).size).toBeGreaterThan(1);
  });
});

/**
 * Property tests: the direction each score must move when one input moves and everything else
 * stays equal.
 */
import fc from 'fast-check';
import { buildHistory } from '../../src/scores/history.js';
import { hrvStatusScore } from '../../src/scores/hrv-status.js';
import { DEFAULT_SCORE_PARAMETERS as P } from '../../src/scores/parameters.js';
import { recoveryScore } from '../../src/scores/recovery.js';
import { sleepScore } from '../../src/scores/sleep.js';
import { dayStrain, strainFromLoad } from '../../src/scores/strain.js';
import { stressScore } from '../../src/scores/stress.js';
import { PRIORITY, dates, recovery, records, samples, sleep, workout } from './fixtures.js';

const RUNS = { numRuns: 300 };

describe('monotonicity', () => {
  it('more deep sleep at equal everything never lowers the sleep score', () => {
    fc.assert(
      fc.property(
        fc.record({
          tstMin: fc.integer({ min: 60, max: 720 }),
          deepShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
          extraDeepShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
          remShare: fc.double({ min: 0, max: 0.4, noNaN: true }),
          latencyMin: fc.option(fc.integer({ min: 0, max: 120 })),
          awakeMin: fc.option(fc.integer({ min: 0, max: 180 })),
          efficiency: fc.option(fc.double({ min: 40, max: 100, noNaN: true })),
          regularNights: fc.integer({ min: 0, max: 7 }),
        }),
        (x) => {
          const tst = x.tstMin * 60;
          const night = (deep: number) =>
            sleep('2026-03-10', {
              totalSleepSeconds: tst,
              deepSleepSeconds: Math.round(deep * tst),
              remSleepSeconds: Math.round(x.remShare * tst),
              latencySeconds: x.latencyMin === null ? null : x.latencyMin * 60,
              awakeSeconds: x.awakeMin === null ? null : x.awakeMin * 60,
              efficiencyPercent: x.efficiency,
            });
          const earlier = dates('2026-03-03', x.regularNights).map((d) => sleep(d));
          const score = (deep: number) => sleepScore(buildHistory(records({ sleeps: [...earlier, night(deep)] }), PRIORITY), '2026-03-10', P).value!;
          expect(score(x.deepShare + x.extraDeepShare)).toBeGreaterThanOrEqual(score(x.deepShare));
        },
      ),
      RUNS,
    );
  });

  const baselineArb = fc.array(fc.record({ rmssd: fc.double({ min: 10, max: 150, noNaN: true }), rhr: fc.double({ min: 35, max: 90, noNaN: true }) }), { minLength: 7, maxLength: 30 });
  const recoveryOf = (baseline: { rmssd: number; rhr: number }[], tonight: { rmssd: number; rhr: number }, sleepValue: number | null) => {
    const nights = baseline.map((b, i) => recovery(`2026-01-${String(i + 1).padStart(2, '0')}`, { hrvRmssdMs: b.rmssd, restingHeartRateBpm: b.rhr }));
    const last = recovery('2026-02-05', { hrvRmssdMs: tonight.rmssd, restingHeartRateBpm: tonight.rhr });
    return recoveryScore(buildHistory(records({ recoveries: [...nights, last] }), PRIORITY), '2026-02-05', P, sleepValue).value!;
  };

  it('higher resting HR at equal HRV never raises recovery', () => {
    fc.assert(
      fc.property(baselineArb, fc.double({ min: 10, max: 150, noNaN: true }), fc.double({ min: 35, max: 90, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), fc.option(fc.integer({ min: 0, max: 100 })), (baseline, rmssd, rhr, more, sleepValue) => {
        expect(recoveryOf(baseline, { rmssd, rhr: rhr + more }, sleepValue)).toBeLessThanOrEqual(recoveryOf(baseline, { rmssd, rhr }, sleepValue));
      }),
      RUNS,
    );
  });

  it('higher HRV at equal resting HR never lowers recovery; a better sleep score never lowers it', () => {
    fc.assert(
      fc.property(baselineArb, fc.double({ min: 10, max: 150, noNaN: true }), fc.double({ min: 35, max: 90, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (baseline, rmssd, rhr, more, s1, s2) => {
        expect(recoveryOf(baseline, { rmssd: rmssd + more, rhr }, s1)).toBeGreaterThanOrEqual(recoveryOf(baseline, { rmssd, rhr }, s1));
        expect(recoveryOf(baseline, { rmssd, rhr }, Math.max(s1, s2))).toBeGreaterThanOrEqual(recoveryOf(baseline, { rmssd, rhr }, Math.min(s1, s2)));
      }),
      RUNS,
    );
  });

  it('strain never falls when load or workout heart rate rises', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (load, more) => {
        expect(strainFromLoad(load + more, P.strain)).toBeGreaterThanOrEqual(strainFromLoad(load, P.strain));
        expect(strainFromLoad(load, P.strain)).toBeLessThanOrEqual(P.strain.maxStrain);
      }),
      RUNS,
    );
    const nights = dates('2026-03-04', 7).map((d) => recovery(d, { restingHeartRateBpm: 50 }));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 40, max: 200 }), { minLength: 2, maxLength: 60 }), fc.nat({ max: 59 }), fc.integer({ min: 1, max: 40 }), (bpms, index, more) => {
        const strainOf = (values: number[]) => {
          const run = workout('2026-03-10', '10:00', values.length, { maxHeartRateBpm: 195 });
          const hr = samples('2026-03-10T10:00:00', values.length, 60, (i) => values[i]);
          return dayStrain(buildHistory(records({ recoveries: nights, workouts: [run], heartRate: hr }), PRIORITY), '2026-03-10', P).load!;
        };
        const raised = [...bpms];
        raised[index % bpms.length] += more;
        expect(strainOf(raised)).toBeGreaterThanOrEqual(strainOf(bpms));
      }),
      RUNS,
    );
  });

  it('higher daytime heart rate never lowers stress', () => {
    const baseline = dates('2026-03-03', 7).flatMap((d) => samples(`${d}T09:00:00`, 30, 300, (i) => 60 + (i % 7) * 3));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 40, max: 140 }), { minLength: 24, maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (bpms, more) => {
        const stressOf = (values: number[]) => stressScore(buildHistory(records({ heartRate: [...baseline, ...samples('2026-03-10T09:00:00', values.length, 300, (i) => values[i])] }), PRIORITY), '2026-03-10', P).value!;
        expect(stressOf(bpms.map((b) => b + more))).toBeGreaterThanOrEqual(stressOf(bpms));
      }),
      RUNS,
    );
  });

  it('a wider spread of the week\'s HRV (same mean) never raises resilience', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }), fc.double({ min: 3, max: 4.5, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 1, max: 3, noNaN: true }), (shape, center, spread, widen) => {
        const m = shape.reduce((a, b) => a + b, 0) / 7;
        const resilienceOf = (s: number) => {
          const nights = dates('2026-03-04', 7).map((d, i) => recovery(d, { hrvRmssdMs: Math.exp(center + s * (shape[i] - m)) }));
          return hrvStatusScore(buildHistory(records({ recoveries: nights }), PRIORITY), '2026-03-10', P).value!;
        };
        expect(resilienceOf(spread * widen)).toBeLessThanOrEqual(resilienceOf(spread));
      }),
      RUNS,
    );
  });
});

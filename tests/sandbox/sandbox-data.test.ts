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

describe('cross-provider duplicates in the sandbox', () => {
  it("the person's Polar runs reach Strava too (uploaded from the watch): the gateway links them as duplicates", async () => {
    const { generateUserData, SANDBOX_POLAR_USER_BASE } = await import('../../src/sandbox/polar/data.js');
    const { athleteProfile, generateActivities, detailOf } = await import('../../src/sandbox/strava/data.js');
    const { SANDBOX_ATHLETE_BASE } = await import('../../src/sandbox/strava/store.js');
    const { sandboxPerson } = await import('../../src/sandbox/shared/person.js');
    const { mapExercise } = await import('../../src/providers/polar/mappers.js');
    const { mapActivity } = await import('../../src/providers/strava/mappers.js');
    const { workoutLinks } = await import('../../src/sync/duplicates.js');
    const workouts = (outcome: ReturnType<typeof mapExercise>) =>
      outcome.ok ? outcome.records.flatMap((r) => (r.kind === 'workout' ? [r.record] : [])) : [];

    const seed = 42;
    const today = '2026-12-05';
    for (const hint of ['9f1c2d3e-demo-user', 'another-user']) {
      const person = sandboxPerson(hint);
      const polar = generateUserData({ seed, polarUserId: SANDBOX_POLAR_USER_BASE + person, apiUrl: 'http://polar.test', today, days: 90, timeZoneOffsetMinutes: 120, person });
      const athlete = athleteProfile(seed, SANDBOX_ATHLETE_BASE + person);
      const strava = generateActivities(seed, athlete, today, 90, person);
      const polarWorkouts = polar.exercises.flatMap((e) => workouts(mapExercise(e)));
      const stravaWorkouts = strava.flatMap((a) => workouts(mapActivity({ activity: detailOf(a) as never, streams: null })));
      // Linking as the sync does: each Strava workout against the Polar ones (default priority: Polar first).
      let links = 0;
      for (const [i, w] of stravaWorkouts.entries()) {
        const candidates = polarWorkouts.map((p, j) => ({ id: `polar-${j}`, provider: 'POLAR' as const, startTime: p.startTime, endTime: p.endTime! }));
        const made = workoutLinks({ provider: 'STRAVA', startTime: w.startTime, endTime: w.endTime! }, candidates, ['POLAR', 'STRAVA']);
        if (made.length) {
          links++;
          expect(made[0]).toEqual({ primary: expect.stringMatching(/^polar-/), secondary: 'self' });
          expect(w.sport).toBe('RUNNING');
        }
        void i;
      }
      // About one day in six over ~88 days: a dozen or so runs recorded twice.
      expect(links).toBeGreaterThanOrEqual(6);
      expect(links).toBeLessThanOrEqual(30);
      // Without a person (the tests' fakes, real-provider-like accounts), no shared runs.
      expect(generateActivities(seed, athlete, today, 90).length).toBe(strava.length - links);
    }
  });
});

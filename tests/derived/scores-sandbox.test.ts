/**
 * End to end: the sandbox demo's backfill (both simulators, the real sync path) stores records,
 * the scores jobs compute the open scores from them in the background, and `days { scores }`
 * shows all six with components, inputs and versions once there is history, and nulls with
 * reasons on the first days.
 */
import { PROVIDERS } from '../../src/providers/registry.js';
import { runDemo } from '../../src/cli/demo.js';
import { databaseVariants } from '../support/databases.js';
import { listeningTestApp, type ListeningApp } from '../support/listening-app.js';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';
import { waitForScoresIdle } from '../support/scores.js';

const SCORE = `value reason status unit algorithmVersion parameterHash
  components { name value weight unit reason } inputs { table recordId provider device date fields }
  baselines { metric windowDays mean sd count source } coverage { have need unit }`;

describe.each(databaseVariants())('open scores after the sandbox backfill (%s)', (variant) => {
  let t: TestApp;
  let url: string;
  let sandbox: ListeningApp;
  beforeAll(async () => {
    sandbox = await listeningTestApp(variant, { SANDBOX: 'true', SANDBOX_SEED: '7', SYNC_BACKFILL_DAYS: '30', SCORES_RECOMPUTE_DELAY_SECONDS: '1' }, { workers: true });
    ({ t, url } = sandbox);
  }, 60_000);
  afterAll(() => sandbox?.close());

  it('days { scores } shows all six scores with their explanation, nulls with reasons at first', async () => {
    const result = await runDemo({ url, key: TEST_ADMIN_KEY }, { externalId: 'scores-demo', days: 30, log: () => {} });
    const userId = Buffer.from(result.variables.userId, 'base64').toString().split(':')[1];
    await waitForScoresIdle(t.database.prisma, userId);

    const res = await t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) { days(from: $from, to: $to) { date scores {
        sleep { ${SCORE} } recovery { ${SCORE} } strain { ${SCORE} trainingLoad { dailyLoad acute chronic form acuteChronicRatio historyDays } }
        stress { ${SCORE} stressMinutes { rest low medium high } } hrvStatus { ${SCORE} } vo2max { ${SCORE} providerEstimates { provider value } }
      } } } }`,
      { u: result.variables.userId, from: result.variables.from, to: result.variables.to },
    );
    expect(res.body.errors).toBeUndefined();
    const days = res.body.data.user.days as { date: string; scores: Record<string, any> }[];
    expect(days).toHaveLength(30);
    const kinds = ['sleep', 'recovery', 'strain', 'stress', 'hrvStatus', 'vo2max'];
    const hash = t.config.scores.parameterHash;

    // The first day has no history: baseline-bound scores are null with a reason, never 0.
    const first = days[0].scores;
    for (const kind of ['recovery', 'stress', 'hrvStatus']) {
      expect(first[kind].value).toBeNull();
      expect(first[kind].reason).toMatch(/of \d+ (baseline nights|baseline days|nights|minutes)|no /);
    }
    expect(first.recovery.reason).toMatch(/^0 of 7 baseline nights \((OURA|POLAR)\)$/);

    // Yesterday (today's heart rate is still to come), with 28 days of history: all six computed and explained.
    const last = days.at(-2)!.scores;
    for (const kind of kinds) {
      const score = last[kind];
      expect({ kind, value: score.value, reason: score.reason }).toEqual({ kind, value: expect.any(Number), reason: null });
      expect(score.algorithmVersion).toMatch(/^[a-z0-9-]+\/\d+$/);
      expect(score.parameterHash).toBe(hash);
      expect(score.components.length).toBeGreaterThan(0);
      expect(score.inputs.length).toBeGreaterThan(0);
      // Inputs come from the demo's sources: every cloud simulator and the two sandbox phones.
      expect(score.inputs.every((i: any) => [...PROVIDERS.map((p) => p.id as string), 'APPLE_HEALTH', 'HEALTH_CONNECT'].includes(i.provider))).toBe(true);
      expect(score.coverage).not.toBeNull();
    }
    expect(last.sleep.value).toBeGreaterThanOrEqual(0);
    expect(last.sleep.value).toBeLessThanOrEqual(100);
    expect(last.recovery.baselines[0]).toMatchObject({ metric: 'lnRmssd', count: expect.any(Number) });
    expect(last.recovery.baselines[0].count).toBeGreaterThanOrEqual(7);
    expect(last.strain.value).toBeLessThanOrEqual(21);
    expect(last.strain.trainingLoad.historyDays).toBeGreaterThanOrEqual(29);
    expect(last.hrvStatus.status).toMatch(/^(BELOW|WITHIN|ABOVE)$/);
    const minutes = last.stress.stressMinutes;
    expect(minutes.rest + minutes.low + minutes.medium + minutes.high).toBe(last.stress.coverage.have);
    // Every day: a value or a reason, never both missing.
    for (const day of days) for (const kind of kinds) expect(day.scores[kind].value !== null || typeof day.scores[kind].reason === 'string').toBe(true);
  }, 300_000);
});

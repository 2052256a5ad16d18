/**
 * The open scores in the API: stored values (src/derived/) with everything that explains them.
 * Answers use one parameter hash only (the newest finished recompute), never a mix.
 */
import type { StoredScore } from '../../derived/store.js';
import { ALGORITHM_VERSIONS, SCORE_KINDS } from '../../scores/parameters.js';
import { NOT_COMPUTED, SCORE_UNITS, type ScoreShape } from '../../services/scores.js';
import type { ProviderEstimate, ScoreBaseline, ScoreComponent, ScoreCoverage, ScoreInputRef, StressMinutes, TrainingLoad } from '../../scores/types.js';
import { builder } from '../builder.js';

export const ScoreKindEnum = builder.enumType('ScoreKind', {
  description: 'The open scores (docs/scores/).',
  values: {
    SLEEP: { value: 'sleep', description: 'Sleep score 0-100 of the night that ended this morning (docs/scores/sleep.md).' },
    RECOVERY: { value: 'recovery', description: 'Recovery 0-100 (docs/scores/recovery.md).' },
    STRAIN: { value: 'strain', description: 'Strain 0-21 with the training-load panel (docs/scores/strain.md).' },
    STRESS: { value: 'stress', description: 'Daytime stress 0-100 (docs/scores/stress.md).' },
    HRV_STATUS: { value: 'hrvStatus', description: 'HRV resilience 0-100 with the status BELOW / WITHIN / ABOVE (docs/scores/hrv-status.md).' },
    VO2MAX: { value: 'vo2max', description: 'VO2max estimate, ml/kg/min (docs/scores/vo2max.md).' },
  } as const,
});

const ComponentRef = builder.objectRef<ScoreComponent>('ScoreComponent').implement({
  description: 'One part of a score: its own value, and the weight it got (after re-weighting over the parts present).',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. duration, hrv, dailyLoad.' }),
    value: t.float({ nullable: true, description: 'The part\'s score (0-100), z-score, or measured value (see unit); null when missing.', resolve: (c) => c.value }),
    weight: t.float({ nullable: true, description: 'Weight applied (weighted parts only); null when missing or unweighted.', resolve: (c) => c.weight }),
    unit: t.string({ nullable: true, description: 'points, z, bpm, ms, h, %, TRIMP...', resolve: (c) => c.unit }),
    reason: t.string({ nullable: true, description: 'Why the part is missing.', resolve: (c) => c.reason ?? null }),
  }),
});

const InputRef = builder.objectRef<ScoreInputRef>('ScoreInput').implement({
  description: 'A record a score read: which table, record, provider and device, and the fields used.',
  fields: (t) => ({
    table: t.exposeString('table', { description: 'SleepSession, Recovery, Workout, HeartRateSample or Vo2MaxEstimate.' }),
    recordId: t.string({ nullable: true, description: 'The record\'s id (null for sample sets and baseline summaries).', resolve: (i) => i.id }),
    provider: t.exposeString('provider', { description: 'The provider the record came from.' }),
    device: t.string({ nullable: true, description: 'The source device.', resolve: (i) => i.device }),
    date: t.field({ type: 'LocalDate', description: 'The record\'s local date (the last one for a summary).', resolve: (i) => i.localDate }),
    fields: t.stringList({ description: 'Fields read; summaries add "N records FROM..TO", sample sets "bpm x N".', resolve: (i) => i.fields }),
  }),
});

const BaselineRef = builder.objectRef<ScoreBaseline>('ScoreBaseline').implement({
  description: "The user's own baseline a score compared against (one provider's nights only).",
  fields: (t) => ({
    metric: t.exposeString('metric', { description: 'lnRmssd, restingHeartRate, breathingRate, inactiveHeartRate.' }),
    windowDays: t.exposeInt('windowDays', { description: 'Days the baseline looks back.' }),
    mean: t.float({ nullable: true, description: 'Mean (the center percentile for stress).', resolve: (b) => b.mean }),
    sd: t.float({ nullable: true, description: 'Standard deviation.', resolve: (b) => b.sd }),
    count: t.int({ description: 'Nights (or days) in it.', resolve: (b) => b.n }),
    unit: t.string({ nullable: true, description: 'Unit of mean and sd.', resolve: (b) => b.unit }),
    source: t.string({ nullable: true, description: 'The provider whose data built it.', resolve: (b) => b.source }),
  }),
});

const CoverageRef = builder.objectRef<ScoreCoverage>('ScoreCoverage').implement({
  description: 'How much of what the score needs was there.',
  fields: (t) => ({
    have: t.exposeFloat('have', { description: 'Present.' }),
    need: t.exposeFloat('need', { description: 'Needed.' }),
    unit: t.exposeString('unit', { description: 'nights, minutes, components, workouts with heart rate...' }),
  }),
});

const TrainingLoadRef = builder.objectRef<TrainingLoad>('TrainingLoad').implement({
  description: 'The training-load panel beside strain (TRIMP units; docs/scores/strain.md).',
  fields: (t) => ({
    dailyLoad: t.exposeFloat('dailyLoad', { description: "The day's TRIMP." }),
    acute: t.exposeFloat('acute', { description: 'Acute load (7-day exponentially weighted).' }),
    chronic: t.exposeFloat('chronic', { description: 'Chronic load (42-day exponentially weighted).' }),
    form: t.exposeFloat('form', { description: "Yesterday's chronic minus yesterday's acute." }),
    acuteChronicRatio: t.float({ nullable: true, description: 'Acute:chronic ratio of EWMAs (descriptive only).', resolve: (l) => l.acuteChronicRatio }),
    historyDays: t.exposeInt('historyDays', { description: 'Days of load behind these values (fewer than 42: still warming up).' }),
  }),
});

const StressMinutesRef = builder.objectRef<StressMinutes>('StressMinutes').implement({
  description: 'Minutes of valid daytime heart rate per stress band.',
  fields: (t) => ({
    rest: t.exposeInt('rest', { description: 'Minutes scoring below the low band (0-25 by default).' }),
    low: t.exposeInt('low', { description: 'Minutes in the low band (26-50).' }),
    medium: t.exposeInt('medium', { description: 'Minutes in the medium band (51-75).' }),
    high: t.exposeInt('high', { description: 'Minutes in the high band (76-100).' }),
  }),
});

const ProviderEstimateRef = builder.objectRef<ProviderEstimate>('ProviderScoreEstimate').implement({
  description: "A provider's own estimate shown beside ours (never replaced by it).",
  fields: (t) => ({
    provider: t.exposeString('provider', { description: 'The provider that estimated it.' }),
    device: t.string({ nullable: true, description: 'Its device.', resolve: (e) => e.device }),
    date: t.field({ type: 'LocalDate', description: 'Local date of the estimate.', resolve: (e) => e.localDate }),
    value: t.exposeFloat('value', { description: 'The estimate, on the provider\'s own scale (ml/kg/min for VO2max).' }),
  }),
});

export const ScoreRef = builder.objectRef<ScoreShape>('Score').implement({
  description: 'One open score of one day, with its components, inputs, baselines, coverage, algorithm version and parameter hash. value is null with a reason when it cannot be computed, never a zero.',
  fields: (t) => ({
    kind: t.field({ type: ScoreKindEnum, description: 'Which score.', resolve: (s) => s.kind }),
    date: t.field({ type: 'LocalDate', description: 'The local date it belongs to.', resolve: (s) => s.date }),
    value: t.float({ nullable: true, description: 'The score (see unit); null when it cannot be computed.', resolve: (s) => s.stored?.value ?? null }),
    unit: t.string({ description: 'Scale of value.', resolve: (s) => SCORE_UNITS[s.kind] }),
    reason: t.string({ nullable: true, description: 'Why value is null (e.g. "4 of 7 baseline nights (OURA)").', resolve: (s) => (s.stored ? s.stored.reason : NOT_COMPUTED) }),
    status: t.string({ nullable: true, description: 'Strain band, HRV status (BELOW / WITHIN / ABOVE) or stress band.', resolve: (s) => s.stored?.status ?? null }),
    components: t.field({ type: [ComponentRef], description: 'Its parts with their weights, and the measured values it rests on.', resolve: (s) => s.stored?.detail.components ?? [] }),
    inputs: t.field({ type: [InputRef], description: 'The records used (baseline nights summarised per provider and device).', resolve: (s) => s.stored?.detail.inputs ?? [] }),
    baselines: t.field({ type: [BaselineRef], description: "The user's own baselines it compared against.", resolve: (s) => s.stored?.detail.baselines ?? [] }),
    coverage: t.field({ type: CoverageRef, nullable: true, description: 'How much of what it needs was there.', resolve: (s) => s.stored?.detail.coverage ?? null }),
    trainingLoad: t.field({ type: TrainingLoadRef, nullable: true, description: 'Strain only.', resolve: (s) => s.stored?.detail.trainingLoad ?? null }),
    stressMinutes: t.field({ type: StressMinutesRef, nullable: true, description: 'Stress only.', resolve: (s) => s.stored?.detail.stressMinutes ?? null }),
    providerEstimates: t.field({ type: [ProviderEstimateRef], nullable: true, description: 'VO2max only: each provider\'s own latest estimate.', resolve: (s) => s.stored?.detail.providerEstimates ?? null }),
    algorithmVersion: t.string({ description: 'e.g. "recovery/1".', resolve: (s) => s.stored?.algorithmVersion ?? ALGORITHM_VERSIONS[s.kind] }),
    parameterHash: t.string({ nullable: true, description: 'Hash of the parameters it was computed with (null when not computed).', resolve: (s) => s.stored?.parameterHash ?? null }),
    computedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the job computed it.', resolve: (s) => (s.stored ? new Date(s.stored.computedAt) : null) }),
  }),
});

export interface DayScoresShape {
  date: string;
  byKind: Map<string, StoredScore>;
}

export const DayScoresRef = builder.objectRef<DayScoresShape>('DayScores').implement({
  description: 'The open scores of one day, computed by the gateway from any provider\'s records.',
  fields: (t) =>
    Object.fromEntries(
      SCORE_KINDS.map((kind) => [kind, t.field({ type: ScoreRef, description: `The ${kind} score (docs/scores/).`, resolve: (d: DayScoresShape) => ({ kind, date: d.date, stored: d.byKind.get(kind) ?? null }) })]),
    ) as never,
});

interface ScoresStatusShape {
  parameterHash: string;
  activeParameterHash: string | null;
  run: { status: string; usersTotal: number; usersDone: number; startedAt: Date; finishedAt: Date | null } | null;
}

const ScoresRecomputeRef = builder.objectRef<NonNullable<ScoresStatusShape['run']>>('ScoresRecompute').implement({
  description: "The recompute of every user's scores under the configured parameter hash (like a backfill's progress).",
  fields: (t) => ({
    status: t.string({ description: 'RUNNING or SUCCEEDED.', resolve: (r) => r.status }),
    usersDone: t.exposeInt('usersDone', { description: 'Users recomputed.' }),
    usersTotal: t.exposeInt('usersTotal', { description: 'Users to recompute.' }),
    startedAt: t.field({ type: 'DateTime', description: 'When it started.', resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, description: 'When its last user was done.', resolve: (r) => r.finishedAt }),
  }),
});

const ScoresStatusRef = builder.objectRef<ScoresStatusShape>('ScoresStatus').implement({
  description: 'Which parameters the stored scores were computed with.',
  fields: (t) => ({
    parameterHash: t.exposeString('parameterHash', { description: 'Hash of the configured parameters (SCORES_CONFIG_FILE / SCORES_CONFIG over the defaults).' }),
    activeParameterHash: t.string({ nullable: true, description: 'Hash the answers use: the newest finished recompute. Differs from parameterHash while a recompute runs.', resolve: (s) => s.activeParameterHash }),
    recompute: t.field({ type: ScoresRecomputeRef, nullable: true, description: 'The recompute under parameterHash.', resolve: (s) => s.run }),
  }),
});

builder.queryField('scoresStatus', (t) =>
  t.field({
    type: ScoresStatusRef,
    description: 'Parameter hash of the scores and the progress of their recompute after a parameter change. Needs an API key (a user token reads its scores through days and User.scores).',
    authScopes: { apiKey: true },
    resolve: (_root, _args, ctx) => ctx.scores.status(),
  }),
);

/**
 * Score tools: `scores_get` (the gateway's own open scores per day with their components, read
 * through the same service as GraphQL's `User.scores`, and the provider-native scores beside them,
 * labelled as the provider's) and `score_explain` (one score of one date taken apart: inputs with
 * their values and sources, baselines, weights, algorithm version, parameters and their hash).
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { round } from '../../analysis/robust.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { ALGORITHM_VERSIONS, DEFAULT_SCORE_PARAMETERS, flattenParameters, parameterHash, SCORE_KINDS, type ScoreKind } from '../../scores/parameters.js';
import type { ScoreInputRef } from '../../scores/types.js';
import { loadDays, type DayRecords } from '../../services/days.js';
import { recordFields } from '../../services/records.js';
import { NOT_COMPUTED, SCORE_UNITS, scoresForRange, type ScoreShape } from '../../services/scores.js';
import { dateWindow, resolveUser, type McpCall } from '../context.js';
import { defineTool, fromArg, localDate, num, source, toArg, userArg } from '../tool.js';

/** Our score kinds as tools name them (snake_case), and back. */
export const OPEN_SCORE_NAMES: Record<ScoreKind, string> = { sleep: 'sleep', recovery: 'recovery', strain: 'strain', stress: 'stress', hrvStatus: 'hrv_status', vo2max: 'vo2max' };
const OPEN_KINDS = SCORE_KINDS.map((k) => OPEN_SCORE_NAMES[k]) as [string, ...string[]];
const kindOf = (name: string) => SCORE_KINDS.find((k) => OPEN_SCORE_NAMES[k] === name)!;
/** The markdown page of each score under docs/scores/. */
export const SCORE_DOC: Record<ScoreKind, string> = { sleep: 'sleep', recovery: 'recovery', strain: 'strain', stress: 'stress', hrvStatus: 'hrv-status', vo2max: 'vo2max' };

/**
 * The parameters of one score in effect (SCORES_CONFIG_FILE / SCORES_CONFIG over the defaults),
 * their hash, and which of them differ from the defaults.
 */
export function scoreConfiguration(config: Config, kind: ScoreKind) {
  const inEffect = config.scores.parameters;
  const used = { profile: inEffect.profile, [kind]: inEffect[kind] };
  const defaults = new Map(flattenParameters({ profile: DEFAULT_SCORE_PARAMETERS.profile, [kind]: DEFAULT_SCORE_PARAMETERS[kind] }));
  const overrides = flattenParameters(used).flatMap(([parameter, value]) => (defaults.get(parameter) === value ? [] : [{ parameter, value, default: defaults.get(parameter)! }]));
  return {
    parameter_hash: config.scores.parameterHash,
    default_parameter_hash: parameterHash(DEFAULT_SCORE_PARAMETERS),
    parameters: used,
    overrides,
  };
}
const configurationOut = z.object({
  parameter_hash: z.string().describe('Hash of every score parameter in effect and the algorithm versions (changes recompute the stored scores).'),
  default_parameter_hash: z.string(),
  parameters: z.record(z.string(), z.unknown()).describe("This score's parameters in effect (and the profile)."),
  overrides: z.array(z.object({ parameter: z.string(), value: z.union([z.number(), z.string()]), default: z.union([z.number(), z.string()]) })).describe('Parameters set by SCORES_CONFIG(_FILE) that differ from the defaults.'),
});

const componentOut = z.object({ name: z.string(), value: num, weight: num.describe('Weight applied (re-weighted over the parts present); null for unweighted values.'), unit: z.string().nullable(), reason: z.string().nullable().optional() });
const openScoreOut = z.object({
  date: localDate,
  kind: z.enum(OPEN_KINDS),
  value: num.describe('null with a reason when it cannot be computed (never a zero); scale in units[kind].'),
  status: z.string().nullable().describe('Strain band, HRV status (BELOW / WITHIN / ABOVE) or stress band.'),
  reason: z.string().nullable(),
  components: z
    .record(z.string(), num)
    .optional()
    .describe('Parts and the measured values it rests on, keyed <name>_<unit> (points 0-100, z, ms, bpm, h, pct, trimp...); null = missing (see missing).'),
  weights: z.record(z.string(), z.number()).optional().describe('Weight applied to each weighted part (re-weighted over the parts present), same keys as components.'),
  missing: z.record(z.string(), z.string()).optional().describe('Why a part is missing.'),
  algorithm: z.string().describe('gateway:<kind>/<version>: computed by this gateway (docs/scores/, resource algorithms://scores/<kind>).'),
  parameter_hash: z.string().optional().describe('Only when it differs from the answer\'s parameter_hash (a recompute under new parameters is still running).'),
  sources: z.array(source).describe('Providers and devices of the records it read.'),
});

const UNIT_KEYS: Record<string, string> = { '%': 'pct', TRIMP: 'trimp', SRI: 'sri' };
const componentKey = (c: { name: string; unit: string | null }) => (c.unit ? `${c.name}_${UNIT_KEYS[c.unit] ?? c.unit.replace(/[^A-Za-z0-9]+/g, '_')}` : c.name);
const componentRows = (s: ScoreShape) =>
  (s.stored?.detail.components ?? []).map((c) => ({ name: c.name, value: c.value === null ? null : round(c.value, 2), weight: c.weight === null ? null : round(c.weight, 3), unit: c.unit, ...(c.reason ? { reason: c.reason } : {}) }));

const sourcesOf = (inputs: readonly ScoreInputRef[]) => {
  const seen = new Map<string, { provider: string; device: string | null }>();
  for (const i of inputs) seen.set(`${i.provider}|${i.device ?? ''}`, { provider: i.provider, device: i.device });
  return [...seen.values()];
};

function openScoreRow(s: ScoreShape, components: boolean, answerHash: string): z.infer<typeof openScoreOut> {
  const row: z.infer<typeof openScoreOut> = {
    date: s.date,
    kind: OPEN_SCORE_NAMES[s.kind],
    value: s.stored?.value == null ? null : round(s.stored.value, 1),
    status: s.stored?.status ?? null,
    reason: s.stored ? s.stored.reason : NOT_COMPUTED,
    algorithm: `gateway:${algorithmVersion(s)}`,
    sources: sourcesOf(s.stored?.detail.inputs ?? []),
  };
  if (s.stored && s.stored.parameterHash !== answerHash) row.parameter_hash = s.stored.parameterHash;
  if (components && s.stored) {
    const parts = componentRows(s);
    row.components = Object.fromEntries(parts.map((c) => [componentKey(c), c.value]));
    const weighted = parts.filter((c) => c.weight !== null);
    if (weighted.length) row.weights = Object.fromEntries(weighted.map((c) => [componentKey(c), c.weight!]));
    const missing = parts.filter((c) => c.reason);
    if (missing.length) row.missing = Object.fromEntries(missing.map((c) => [componentKey(c), c.reason!]));
  }
  return row;
}

const algorithmVersion = (s: ScoreShape) => s.stored?.algorithmVersion ?? ALGORITHM_VERSIONS[s.kind];

// Provider-native scores ---------------------------------------------------------------------------

const PROVIDER_KINDS = ['sleep', 'readiness', 'nightly_recharge', 'activity', 'cardio_load'] as const;
const providerScoreOut = z.object({
  date: localDate,
  kind: z.enum(PROVIDER_KINDS),
  value: z.number(),
  scale: z.string(),
  algorithm: z.string().describe('provider:<name>/<score>: computed by the provider, not by this gateway.'),
  components: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
  source,
});
type ProviderScore = z.infer<typeof providerScoreOut>;

function providerScores(days: readonly DayRecords[], kinds: ReadonlySet<string>, components: boolean): ProviderScore[] {
  const out: ProviderScore[] = [];
  const contributors = (extras: unknown, key: string) => (extras as Record<string, { contributors?: Record<string, number | null> } | undefined> | null)?.[key]?.contributors ?? undefined;
  const add = (s: ProviderScore) => {
    if (!components) delete s.components;
    out.push(s);
  };
  const by = (r: { provider: string; sourceDevice: string | null }, kind: string) => ({ algorithm: `provider:${r.provider.toLowerCase()}/${kind}`, source: { provider: r.provider, device: r.sourceDevice } });
  for (const d of days) {
    for (const s of d.sleep) {
      if (kinds.has('sleep') && s.score != null && s.type === 'MAIN')
        add({ date: d.date, kind: 'sleep', value: s.score, scale: '1-100', components: contributors(d.recovery.find((r) => r.provider === s.provider)?.extras, 'dailySleep'), ...by(s, 'sleep') });
    }
    for (const r of d.recovery) {
      if (kinds.has('readiness') && r.readinessScore != null) add({ date: d.date, kind: 'readiness', value: r.readinessScore, scale: '1-100', components: contributors(r.extras, 'readiness'), ...by(r, 'readiness') });
      if (kinds.has('nightly_recharge') && r.nightlyRechargeStatus != null)
        add({
          date: d.date,
          kind: 'nightly_recharge',
          value: r.nightlyRechargeStatus,
          scale: '1 (very poor) - 6 (very good)',
          components: { ans_charge: r.ansCharge, ans_charge_status: r.ansChargeStatus, sleep_charge: r.sleepCharge, hrv_rmssd_ms: r.hrvRmssdMs, breathing_rate_per_min: r.breathingRatePerMinute },
          ...by(r, 'nightly_recharge'),
        });
    }
    for (const a of d.activity) {
      if (kinds.has('activity') && a.score != null) add({ date: d.date, kind: 'activity', value: a.score, scale: '1-100', ...by(a, 'activity') });
      if (kinds.has('cardio_load') && a.cardioLoad != null)
        add({ date: d.date, kind: 'cardio_load', value: round(a.cardioLoad, 1), scale: '0-open (TRIMP-like)', components: { strain: a.cardioLoadStrain, tolerance: a.cardioLoadTolerance, status: a.cardioLoadStatus }, ...by(a, 'cardio_load') });
    }
  }
  return out;
}

export function registerScoreTools(server: McpServer, call: McpCall, logger: Logger) {
  defineTool(
    server,
    call,
    logger,
    'scores_get',
    {
      title: 'Scores',
      description:
        "The gateway's own open scores per day (sleep, recovery, strain, stress, hrv_status, vo2max: the same algorithms and stored values as GraphQL's User.scores, " +
        'computed from any provider\'s records, docs/scores/) with their components and weights; a score that cannot be computed has value null and a reason. ' +
        "Beside them, provider_scores: the providers' own scores (Oura sleep/readiness/activity with contributors, Polar Nightly Recharge, cardio load), each " +
        'labelled provider:<name>/<score>. Why a score came out as it did: score_explain. Default: every kind over the last 7 days; at most 90.',
      input: z.object({
        user: userArg,
        kinds: z.array(z.enum(OPEN_KINDS)).min(1).optional().describe(`Our scores to include (default all: ${OPEN_KINDS.join(', ')}).`),
        provider_kinds: z.array(z.enum(PROVIDER_KINDS)).optional().describe(`Provider-native scores to include (default all: ${PROVIDER_KINDS.join(', ')}; [] for none).`),
        from: fromArg(7, 90),
        to: toArg,
        include_components: z.boolean().default(true).describe("Include each score's components (default true)."),
      }),
      output: z.object({
        from: localDate,
        to: localDate,
        parameter_hash: z.string().describe('Hash of the score parameters configured now (a stored score with another hash predates a change still being recomputed).'),
        units: z.record(z.string(), z.string()).describe('Scale of each score kind.'),
        scores: z.array(openScoreOut),
        provider_scores: z.array(providerScoreOut),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { from, to, days } = dateWindow(c, args, 7, 90);
      const kinds = args.kinds?.map(kindOf);
      const providerKinds = new Set(args.provider_kinds ?? PROVIDER_KINDS);
      const [ours, records] = await Promise.all([
        scoresForRange(c, user.id, from, to, kinds?.length === 1 ? kinds[0] : null, 90),
        providerKinds.size ? loadDays(c, user.id, from, to, { maxDays: 90, extras: true }) : Promise.resolve([]),
      ]);
      const wanted = new Set(kinds ?? SCORE_KINDS);
      const hash = c.config.scores.parameterHash;
      const scores = ours.filter((s) => wanted.has(s.kind)).map((s) => openScoreRow(s, args.include_components, hash));
      const native = providerScores(records, providerKinds, args.include_components);
      const computed = scores.filter((s) => s.value !== null);
      const latest = new Map<string, (typeof scores)[number]>();
      for (const s of computed) latest.set(s.kind, s);
      return {
        data: { from, to, parameter_hash: hash, units: Object.fromEntries([...wanted].map((k) => [OPEN_SCORE_NAMES[k], SCORE_UNITS[k]])), scores, provider_scores: native },
        summary:
          `${from} to ${to} (${days} days): ${computed.length} of ${scores.length} open scores computed` +
          `${latest.size ? ` (latest: ${[...latest.values()].map((s) => `${s.kind} ${s.value}${s.status ? ` ${s.status}` : ''} on ${s.date}`).join(', ')})` : ''}; ` +
          `${native.length} provider-native score(s), labelled provider:<name>.`,
      };
    },
  );

  const inputOut = z.object({
    table: z.string(),
    record_id: z.string().nullable().describe('null for a summary of several records or a set of heart-rate samples.'),
    date: localDate,
    fields: z.array(z.object({ name: z.string(), value: z.union([z.number(), z.string(), z.boolean(), z.null()]).optional() })).describe('Fields read, with the stored value when the record is one row.'),
    source,
  });
  defineTool(
    server,
    call,
    logger,
    'score_explain',
    {
      title: 'Explain a score',
      description:
        'Takes one of our open scores of one date apart: its value and components with the weights applied, every input record with the values it read and its ' +
        "provider and device, the user's own baselines it compared against (window, mean, SD, nights, provider), coverage, the algorithm version, and the parameters " +
        'in effect with their hash (and which differ from the defaults). kind: sleep, recovery, strain, stress, hrv_status or vo2max.',
      input: z.object({ user: userArg, date: localDate.optional().describe('The local date (default today).'), kind: z.enum(OPEN_KINDS).describe(`One of ${OPEN_KINDS.join(', ')}.`) }),
      output: z.object({
        date: localDate,
        kind: z.string(),
        value: num,
        unit: z.string(),
        status: z.string().nullable(),
        reason: z.string().nullable(),
        algorithm_version: z.string(),
        parameter_hash: z.string().nullable().describe('Hash the stored value was computed under (null when not computed).'),
        computed_at: z.string().nullable(),
        components: z.array(componentOut),
        inputs: z.array(inputOut),
        baselines: z.array(z.object({ metric: z.string(), window_days: z.number(), mean: num, sd: num, count: z.number(), unit: z.string().nullable(), source: z.string().nullable() })),
        coverage: z.object({ have: z.number(), need: z.number(), unit: z.string() }).nullable(),
        training_load: z.record(z.string(), num).nullable().describe('Strain only: daily load, acute, chronic, form, acute:chronic ratio.'),
        stress_minutes: z.record(z.string(), z.number()).nullable().describe('Stress only: minutes per band.'),
        provider_estimates: z.array(z.object({ value: z.number(), date: localDate, source })).nullable().describe("VO2max only: each provider's own latest estimate."),
        configuration: configurationOut,
        algorithm_resource: z.string(),
      }),
    },
    async (args, c) => {
      const user = await resolveUser(c, args.user);
      const { to: date } = dateWindow(c, { from: args.date, to: args.date }, 1, 1);
      const kind = kindOf(args.kind);
      const [score] = await scoresForRange(c, user.id, date, date, kind);
      const stored = score.stored;
      const refs = stored?.detail.inputs ?? [];
      const values = await recordFields(c, user.id, refs);
      const inputs = refs.map((i) => ({
        table: i.table,
        record_id: i.id,
        date: i.localDate,
        fields: i.fields.map((name) => {
          const row = i.id ? values.get(`${i.table}|${i.id}`) : undefined;
          return row && name in row ? { name, value: row[name] } : { name };
        }),
        source: { provider: i.provider, device: i.device },
      }));
      const load = stored?.detail.trainingLoad;
      const row = openScoreRow(score, false, '');
      const components = componentRows(score);
      const configuration = scoreConfiguration(c.config, kind);
      return {
        data: {
          date,
          kind: args.kind,
          value: row.value,
          unit: SCORE_UNITS[kind],
          status: row.status,
          reason: row.reason,
          algorithm_version: algorithmVersion(score),
          parameter_hash: stored?.parameterHash ?? null,
          computed_at: stored ? new Date(stored.computedAt).toISOString() : null,
          components,
          inputs,
          baselines: (stored?.detail.baselines ?? []).map((b) => ({ metric: b.metric, window_days: b.windowDays, mean: b.mean === null ? null : round(b.mean, 3), sd: b.sd === null ? null : round(b.sd, 3), count: b.n, unit: b.unit, source: b.source })),
          coverage: stored?.detail.coverage ?? null,
          training_load: load ? { daily_load: round(load.dailyLoad, 1), acute: round(load.acute, 1), chronic: round(load.chronic, 1), form: round(load.form, 1), acute_chronic_ratio: load.acuteChronicRatio === null ? null : round(load.acuteChronicRatio, 2), history_days: load.historyDays } : null,
          stress_minutes: stored?.detail.stressMinutes ? { ...stored.detail.stressMinutes } : null,
          provider_estimates: stored?.detail.providerEstimates?.map((e) => ({ value: e.value, date: e.localDate, source: { provider: e.provider, device: e.device } })) ?? null,
          configuration,
          algorithm_resource: `algorithms://scores/${kind}`,
        },
        summary:
          `${args.kind} on ${date}: ` +
          (row.value === null ? `not computed (${row.reason})` : `${row.value} ${SCORE_UNITS[kind]}${row.status ? ` (${row.status})` : ''}`) +
          `${components.length ? `; components ${components.map((x) => `${x.name} ${x.value ?? 'missing'}${x.weight != null ? ` x${x.weight}` : ''}`).join(', ')}` : ''}` +
          `; ${inputs.length} input(s) from ${row.sources.map((s) => s.provider).filter((p, i, a) => a.indexOf(p) === i).join(', ') || 'no records'}` +
          `; algorithm ${stored?.algorithmVersion ?? 'not run'}, parameters ${configuration.parameter_hash}${stored && stored.parameterHash !== configuration.parameter_hash ? ` (stored under ${stored.parameterHash}: a recompute is pending)` : ''}.`,
      };
    },
  );
}

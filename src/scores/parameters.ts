/**
 * Every tunable number of the open scores, in one validated object. The defaults below are the
 * single source: the algorithms read them (through the parsed configuration), docs/scores/*.md
 * list them, and a test checks that the two agree. An operator overrides any subset with a JSON
 * file (SCORES_CONFIG_FILE) or inline JSON (SCORES_CONFIG), parsed in src/config.ts.
 *
 * The parameter hash covers the parameters and the algorithm versions: a change of either gives a
 * new hash, and stored values are recomputed under it (src/derived/).
 */
import { createHash } from 'node:crypto';

export const SCORE_KINDS = ['sleep', 'recovery', 'strain', 'stress', 'hrvStatus', 'vo2max'] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

/** Bumped whenever a formula changes (not when only parameters do). */
export const ALGORITHM_VERSIONS: Record<ScoreKind, string> = {
  sleep: 'sleep/1',
  recovery: 'recovery/1',
  strain: 'strain/1',
  stress: 'stress/1',
  hrvStatus: 'hrv-status/1',
  vo2max: 'vo2max/1',
};

export const DEFAULT_SCORE_PARAMETERS = {
  profile: {
    /** male, female or unknown (Banister coefficients: unknown takes the mean of the two). */
    sex: 'unknown' as 'male' | 'female' | 'unknown',
  },
  sleep: {
    weights: { duration: 0.35, efficiency: 0.2, continuity: 0.15, regularity: 0.15, stages: 0.1, latency: 0.05 },
    duration: { optimalMinHours: 7, optimalMaxHours: 9, underSlope: -1.5, underMidHours: 5, overSlope: 0.8, overMidHours: 11, overFloor: 50 },
    efficiency: { zeroAtPercent: 65, fullAtPercent: 90 },
    continuity: { wasoFullMinutes: 20, wasoZeroMinutes: 90, wasoPoints: 80, boutPoints: 20, boutMinMinutes: 5, oneBoutFraction: 1, twoBoutsFraction: 0.75, threeBoutsFraction: 0.5 },
    regularity: { nights: 7, minPairs: 5, epochMinutes: 5, sriZero: 40, sriFull: 90 },
    stages: { deepShareTarget: 0.13, remShareTarget: 0.2 },
    latency: { fullMinutes: 15, zeroMinutes: 60 },
  },
  recovery: {
    weights: { hrv: 0.45, restingHeartRate: 0.3, sleep: 0.25, temperature: 0.05, breathing: 0.05 },
    baselineDays: 60,
    minBaselineNights: 7,
    winsorizeSd: 2.5,
    lnRmssdSdFloor: 0.05,
    restingHeartRateSdFloorBpm: 1,
    sleepCenter: 70,
    sleepSpread: 15,
    temperatureToleranceCelsius: 0.3,
    temperatureScaleCelsius: 0.3,
    breathingTolerancePerMinute: 0.5,
    breathingScalePerMinute: 0.5,
    logisticSlope: 1.2,
    logisticOffset: 0.8,
  },
  strain: {
    maleA: 0.64,
    maleB: 1.92,
    femaleA: 0.86,
    femaleB: 1.67,
    maxSampleGapSeconds: 60,
    scaleLoad: 40,
    referenceLoad: 450,
    maxStrain: 21,
    restingHeartRateNights: 7,
    maxHeartRateDays: 180,
    maxPlausibleHeartRateBpm: 220,
    acuteDays: 7,
    chronicDays: 42,
    ratioAcuteDays: 7,
    ratioChronicDays: 28,
    seedDays: 7,
  },
  stress: {
    epochMinutes: 5,
    postExerciseMinutes: 60,
    baselineDays: 14,
    minBaselineDays: 7,
    baselinePercentile: 50,
    sdFloorBpm: 3,
    minValidMinutes: 120,
    pointsPerSd: 25,
    lowFrom: 26,
    mediumFrom: 51,
    highFrom: 76,
  },
  hrvStatus: {
    windowNights: 7,
    minNights: 5,
    referenceDays: 60,
    minReferenceNights: 14,
    bandSd: 0.5,
    cvFullPercent: 2,
    cvZeroPercent: 10,
  },
  vo2max: {
    ratioFactor: 15.3,
    restingHeartRateNights: 7,
    minRestingNights: 3,
    maxHeartRateDays: 180,
    maxPlausibleHeartRateBpm: 220,
    speedDays: 30,
    speedMinRuns: 3,
    speedMinDurationMinutes: 10,
    speedMinHrFraction: 0.6,
    speedMaxHrFraction: 0.9,
  },
};

export type ScoreParameters = typeof DEFAULT_SCORE_PARAMETERS;

export class ScoreParametersError extends Error {
  override name = 'ScoreParametersError';
}

type Plain = { [key: string]: unknown };
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep-merges `override` into `defaults`; every key must exist in the defaults with the same type. */
function merge(defaults: Plain, override: unknown, path: string, source: string): Plain {
  if (!isPlain(override)) throw new ScoreParametersError(`${source}: ${path || 'the scores configuration'} must be an object`);
  const out: Plain = { ...defaults };
  for (const [key, value] of Object.entries(override)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in defaults)) throw new ScoreParametersError(`${source}: unknown parameter "${at}" (known: ${Object.keys(defaults).join(', ')})`);
    const def = defaults[key];
    if (isPlain(def)) out[key] = merge(def, value, at, source);
    else if (typeof def === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScoreParametersError(`${source}: "${at}" must be a finite number (got ${JSON.stringify(value)})`);
      out[key] = value;
    } else if (typeof def === 'string') {
      if (typeof value !== 'string') throw new ScoreParametersError(`${source}: "${at}" must be a string (got ${JSON.stringify(value)})`);
      out[key] = value;
    }
  }
  return out;
}

/** Flattens to dotted paths ("sleep.weights.duration" -> 0.35), in declaration order. */
export function flattenParameters(params: object, prefix = ''): [string, number | string][] {
  const out: [string, number | string][] = [];
  for (const [key, value] of Object.entries(params)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (isPlain(value)) out.push(...flattenParameters(value, at));
    else out.push([at, value as number | string]);
  }
  return out;
}

/** The semantic rules a merged configuration must satisfy; each failure names the parameter. */
function check(p: ScoreParameters, source: string): void {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  if (!['male', 'female', 'unknown'].includes(p.profile.sex)) problems.push('"profile.sex" must be male, female or unknown');
  for (const [at, value] of flattenParameters(p)) {
    if (typeof value === 'number' && value < 0 && !/Slope$|Offset$/.test(at)) problems.push(`"${at}" must not be negative (got ${value})`);
  }
  for (const group of ['sleep', 'recovery'] as const) {
    const weights = Object.values(p[group].weights);
    const sum = weights.reduce((a, b) => a + b, 0);
    // Weights are relative: each score divides by the sum of the weights of the parts it has.
    need(sum > 0, `"${group}.weights" must not all be 0`);
  }
  const s = p.sleep;
  need(s.duration.optimalMinHours < s.duration.optimalMaxHours, '"sleep.duration.optimalMinHours" must be below optimalMaxHours');
  need(s.duration.underSlope < 0 && s.duration.overSlope > 0, '"sleep.duration.underSlope" must be negative and overSlope positive');
  need(s.duration.overFloor <= 100, '"sleep.duration.overFloor" must be at most 100');
  need(s.efficiency.zeroAtPercent < s.efficiency.fullAtPercent, '"sleep.efficiency.zeroAtPercent" must be below fullAtPercent');
  need(s.continuity.wasoFullMinutes < s.continuity.wasoZeroMinutes, '"sleep.continuity.wasoFullMinutes" must be below wasoZeroMinutes');
  need(Math.abs(s.continuity.wasoPoints + s.continuity.boutPoints - 100) < 1e-6, '"sleep.continuity.wasoPoints" + boutPoints must be 100');
  need(s.continuity.oneBoutFraction >= s.continuity.twoBoutsFraction && s.continuity.twoBoutsFraction >= s.continuity.threeBoutsFraction && s.continuity.oneBoutFraction <= 1, '"sleep.continuity" bout fractions must fall (one >= two >= three) and be at most 1');
  need(s.regularity.sriZero < s.regularity.sriFull, '"sleep.regularity.sriZero" must be below sriFull');
  need(Number.isInteger(s.regularity.nights) && s.regularity.nights >= 2, '"sleep.regularity.nights" must be an integer of at least 2');
  need(s.regularity.minPairs >= 1 && s.regularity.minPairs <= s.regularity.nights, '"sleep.regularity.minPairs" must be between 1 and nights');
  need(Number.isInteger(s.regularity.epochMinutes) && s.regularity.epochMinutes >= 1 && 1440 % s.regularity.epochMinutes === 0, '"sleep.regularity.epochMinutes" must divide 1440');
  need(s.stages.deepShareTarget > 0 && s.stages.remShareTarget > 0, '"sleep.stages" targets must be positive');
  need(s.latency.fullMinutes < s.latency.zeroMinutes, '"sleep.latency.fullMinutes" must be below zeroMinutes');
  const r = p.recovery;
  need(r.minBaselineNights >= 2 && r.minBaselineNights <= r.baselineDays, '"recovery.minBaselineNights" must be between 2 and baselineDays');
  need(r.lnRmssdSdFloor > 0 && r.restingHeartRateSdFloorBpm > 0 && r.sleepSpread > 0 && r.temperatureScaleCelsius > 0 && r.breathingScalePerMinute > 0, '"recovery" floors and scales must be positive');
  need(r.logisticSlope > 0, '"recovery.logisticSlope" must be positive');
  const st = p.strain;
  need(st.scaleLoad > 0 && st.referenceLoad > 0 && st.maxStrain > 0, '"strain.scaleLoad", referenceLoad and maxStrain must be positive');
  need(st.acuteDays >= 1 && st.chronicDays > st.acuteDays && st.ratioChronicDays > st.ratioAcuteDays, '"strain" windows: chronicDays must exceed acuteDays (and ratioChronicDays ratioAcuteDays)');
  need(st.seedDays >= 1, '"strain.seedDays" must be at least 1');
  const x = p.stress;
  need(Number.isInteger(x.epochMinutes) && x.epochMinutes >= 1, '"stress.epochMinutes" must be a positive integer');
  need(x.baselinePercentile >= 0 && x.baselinePercentile <= 100, '"stress.baselinePercentile" must be between 0 and 100');
  need(x.sdFloorBpm > 0, '"stress.sdFloorBpm" must be positive');
  need(x.lowFrom < x.mediumFrom && x.mediumFrom < x.highFrom && x.highFrom <= 100, '"stress" bands must rise: lowFrom < mediumFrom < highFrom <= 100');
  need(x.minBaselineDays <= x.baselineDays, '"stress.minBaselineDays" must not exceed baselineDays');
  const h = p.hrvStatus;
  need(h.minNights >= 2 && h.minNights <= h.windowNights, '"hrvStatus.minNights" must be between 2 and windowNights');
  need(h.minReferenceNights >= 2 && h.minReferenceNights <= h.referenceDays, '"hrvStatus.minReferenceNights" must be between 2 and referenceDays');
  need(h.cvFullPercent < h.cvZeroPercent, '"hrvStatus.cvFullPercent" must be below cvZeroPercent');
  const v = p.vo2max;
  need(v.ratioFactor > 0, '"vo2max.ratioFactor" must be positive');
  need(v.minRestingNights >= 1 && v.minRestingNights <= v.restingHeartRateNights, '"vo2max.minRestingNights" must be between 1 and restingHeartRateNights');
  need(v.speedMinRuns >= 2, '"vo2max.speedMinRuns" must be at least 2');
  need(v.speedMinHrFraction < v.speedMaxHrFraction && v.speedMaxHrFraction <= 1, '"vo2max.speedMinHrFraction" must be below speedMaxHrFraction (at most 1)');
  if (problems.length) throw new ScoreParametersError(`${source}: ${problems.join('; ')}`);
}

/** Defaults with `overrides` merged in order, validated. Throws ScoreParametersError naming the parameter. */
export function parseScoreParameters(...overrides: { source: string; value: unknown }[]): ScoreParameters {
  let params: Plain = DEFAULT_SCORE_PARAMETERS as unknown as Plain;
  for (const { source, value } of overrides) params = merge(params, value, '', source);
  const parsed = params as unknown as ScoreParameters;
  check(parsed, overrides.map((o) => o.source).join(' + ') || 'defaults');
  return parsed;
}

function canonical(value: unknown): string {
  if (isPlain(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** 12 hex characters of SHA-256 over the parameters and the algorithm versions (key order does not matter). */
export function parameterHash(params: ScoreParameters): string {
  return createHash('sha256').update(canonical({ params, versions: ALGORITHM_VERSIONS })).digest('hex').slice(0, 12);
}

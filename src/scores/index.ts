/**
 * The open scores, pure: a user's records and the parameters in, one result per score kind and
 * date out. No I/O here; src/derived/ loads the records and stores the results.
 */
import { addLocalDays } from '../normalize/time.js';
import { buildHistory, type ProviderPriority } from './history.js';
import type { ScoreParameters } from './parameters.js';
import { hrvStatusScore } from './hrv-status.js';
import { recoveryScore } from './recovery.js';
import { sleepScore } from './sleep.js';
import { strainSeries } from './strain.js';
import { stressScore } from './stress.js';
import type { ScoreResult, UserRecords } from './types.js';
import { vo2maxScore } from './vo2max.js';

export { ALGORITHM_VERSIONS, DEFAULT_SCORE_PARAMETERS, SCORE_KINDS, parameterHash, parseScoreParameters, type ScoreKind, type ScoreParameters } from './parameters.js';
export type * from './types.js';

export interface ComputeOptions {
  from: string;
  to: string;
  priority: ProviderPriority;
  /** Stored daily training loads of dates before `from` (the load panel continues them). */
  priorLoads?: ReadonlyMap<string, number>;
}

/** Every score for every date in [from, to]. `records` must reach back far enough for the baselines (lookbackDays). */
export function computeScores(records: UserRecords, params: ScoreParameters, options: ComputeOptions): ScoreResult[] {
  const history = buildHistory(records, options.priority);
  const out: ScoreResult[] = strainSeries(history, options.from, options.to, params, options.priorLoads);
  for (let date = options.from; date <= options.to; date = addLocalDays(date, 1)) {
    const sleep = sleepScore(history, date, params);
    out.push(sleep, recoveryScore(history, date, params, sleep.value), stressScore(history, date, params), hrvStatusScore(history, date, params), vo2maxScore(history, date, params));
  }
  return out;
}

/** How many days before the first scored date the records must start (the longest window). */
export function lookbackDays(params: ScoreParameters): number {
  return Math.max(
    params.recovery.baselineDays,
    params.hrvStatus.referenceDays + params.hrvStatus.windowNights,
    params.strain.maxHeartRateDays,
    params.strain.restingHeartRateNights,
    params.vo2max.maxHeartRateDays,
    params.vo2max.speedDays,
    params.stress.baselineDays,
    params.sleep.regularity.nights + 1,
  );
}

/** How many days before the first scored date heart-rate samples are needed (stress baseline). */
export function heartRateLookbackDays(params: ScoreParameters): number {
  return params.stress.baselineDays + 1;
}

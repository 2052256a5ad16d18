/**
 * HRV status and resilience: the 7-night mean of ln RMSSD against the personal band
 * (mean ± bandSd·SD of the previous referenceDays nights, same provider) gives BELOW / WITHIN /
 * ABOVE; the coefficient of variation of ln RMSSD over those 7 nights gives resilience (0-100:
 * 100 at ≤ cvFullPercent, 0 at ≥ cvZeroPercent). docs/scores/hrv-status.md.
 */
import { addLocalDays } from '../normalize/time.js';
import type { ScoreParameters } from './parameters.js';
import { byPriority, priorNights, type History, type Night } from './history.js';
import { linearScore, mean, round1, round3, sd } from './stats.js';
import type { ScoreResult } from './types.js';

export function hrvStatusScore(history: History, date: string, params: ScoreParameters): ScoreResult {
  const p = params.hrvStatus;
  const base = { kind: 'hrvStatus' as const, date };
  const candidates = byPriority(
    [...history.nights.entries()].map(([provider]) => ({ provider })),
    history.priority.recovery,
  );
  let shortest: { provider: string; have: number; need: number; unit: string } | null = null;
  for (const { provider } of candidates) {
    // The window: the last windowNights nights up to and including this date.
    const window = priorNights(history, provider, addLocalDays(date, 1), p.windowNights).filter((n) => n.rmssd !== null);
    if (window.length < p.minNights) {
      if (!shortest || shortest.have < window.length) shortest = { provider, have: window.length, need: p.minNights, unit: 'nights in the last 7' };
      continue;
    }
    const reference = priorNights(history, provider, addLocalDays(date, -p.windowNights + 1), p.referenceDays).filter((n) => n.rmssd !== null);
    const ln = window.map((n: Night) => Math.log(n.rmssd!));
    const mean7 = mean(ln);
    const cv = (100 * sd(ln)) / mean7;
    const resilience = Math.round(linearScore(cv, p.cvZeroPercent, p.cvFullPercent));
    const enoughReference = reference.length >= p.minReferenceNights;
    const refLn = reference.map((n) => Math.log(n.rmssd!));
    const refMean = enoughReference ? mean(refLn) : null;
    const refSd = enoughReference ? sd(refLn) : null;
    const status = refMean === null ? null : mean7 < refMean - p.bandSd * refSd! ? 'BELOW' : mean7 > refMean + p.bandSd * refSd! ? 'ABOVE' : 'WITHIN';
    return {
      ...base,
      value: resilience,
      reason: null,
      status,
      components: [
        { name: 'lnRmssdMean7', value: round3(mean7), weight: null, unit: 'ln ms' },
        { name: 'lnRmssdCvPercent', value: Math.round(cv * 100) / 100, weight: null, unit: '%' },
        { name: 'bandLow', value: refMean === null ? null : round3(refMean - p.bandSd * refSd!), weight: null, unit: 'ln ms', reason: enoughReference ? null : `${reference.length} of ${p.minReferenceNights} reference nights` },
        { name: 'bandHigh', value: refMean === null ? null : round3(refMean + p.bandSd * refSd!), weight: null, unit: 'ln ms', reason: enoughReference ? null : `${reference.length} of ${p.minReferenceNights} reference nights` },
      ],
      inputs: window.flatMap((n) => n.refs.filter((r) => r.fields.some((f) => f === 'hrvRmssdMs' || f === 'averageHrvRmssdMs'))),
      baselines: [{ metric: 'lnRmssd', windowDays: p.referenceDays, mean: refMean === null ? null : round3(refMean), sd: refSd === null ? null : round3(refSd), n: reference.length, unit: 'ln ms', source: provider }],
      coverage: { have: window.length, need: p.minNights, unit: `nights in the last ${p.windowNights}` },
    };
  }
  return {
    ...base,
    value: null,
    status: null,
    reason: shortest ? `${shortest.have} of ${shortest.need} nights with HRV in the last ${p.windowNights} (${shortest.provider})` : 'no nightly HRV',
    components: [],
    inputs: [],
    baselines: [],
    coverage: shortest ? { have: shortest.have, need: shortest.need, unit: `nights in the last ${p.windowNights}` } : null,
  };
}

/**
 * The open scores as both APIs read them: stored rows (src/derived/store.ts) under the active
 * parameter hash, through the request's scores loader (one statement per range and kind however
 * many users ask), with a "not computed yet" placeholder for each date and kind without a row.
 * GraphQL's `User.scores` and MCP's `scores_get` / `score_explain` both call `scoresForRange`.
 */
import type { StoredScore } from '../derived/store.js';
import { dateRange } from '../graphql/dates.js';
import { addLocalDays } from '../normalize/time.js';
import { SCORE_KINDS, type ScoreKind } from '../scores/parameters.js';
import type { ReadContext } from './context.js';

/** A score as the APIs see it: a stored row, or a placeholder when none is stored yet. */
export interface ScoreShape {
  kind: ScoreKind;
  date: string;
  stored: StoredScore | null;
}

/** Scale of each score's value. */
export const SCORE_UNITS: Record<ScoreKind, string> = {
  sleep: 'points (0-100)',
  recovery: 'points (0-100)',
  strain: 'strain (0-21)',
  stress: 'points (0-100)',
  hrvStatus: 'points (0-100)',
  vo2max: 'ml/kg/min',
};

export const NOT_COMPUTED = 'not computed yet: the scores job has not run for this day';

/** Scores for every date of [from, to] and each kind, stored or a "not computed yet" placeholder. */
export function scoreSeries(stored: readonly StoredScore[], dates: readonly string[], kinds: readonly ScoreKind[]): ScoreShape[] {
  const byKey = new Map(stored.map((s) => [`${s.localDate}|${s.kind}`, s]));
  return dates.flatMap((date) => kinds.map((kind) => ({ kind, date, stored: byKey.get(`${date}|${kind}`) ?? null })));
}

/**
 * One user's scores from `from` to `to` (validated: at most `maxDays`), oldest first, every kind
 * (or the one named) on every date.
 */
export async function scoresForRange(ctx: ReadContext, userId: string, from: string, to: string, kind: ScoreKind | null, maxDays?: number): Promise<ScoreShape[]> {
  dateRange(from, to, maxDays);
  const stored = await ctx.loaders.scores.load({ userId, from, to, kind });
  const dates: string[] = [];
  for (let d = from; d <= to; d = addLocalDays(d, 1)) dates.push(d);
  return scoreSeries(stored, dates, kind ? [kind] : SCORE_KINDS);
}

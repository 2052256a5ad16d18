/**
 * The person behind a sandbox login. Every simulator derives its account from the login hint
 * (the gateway's user id); some derive it from the same number, so that one person's sessions can
 * appear at two providers: a run recorded by the Polar watch is also uploaded to Strava (Polar
 * Flow's Strava sync), which makes the gateway's cross-provider duplicate linking visible
 * (Workout.duplicateOf, Day.primaryWorkouts). The number is recoverable from the account id, so a
 * restarted simulator (accounts re-created from their self-verifying tokens) generates the same.
 */
import { hintNumber } from '../tokens.js';
import { intBetween, rngFor } from './random.js';

/** Modulus of the person number; the Polar and Strava sandbox account ids are an offset plus it. */
export const PERSON_MODULUS = 70_000_000;

export const sandboxPerson = (loginHint: string): number => hintNumber(loginHint) % PERSON_MODULUS;

export interface SharedSession {
  /** UTC start, ms. */
  startMs: number;
  durationSeconds: number;
  sport: 'running';
}

const DAY_MS = 86_400_000;

/**
 * The runs the person records with the watch on UTC date `day` (YYYY-MM-DD): about one day in
 * six, early morning UTC (04:30-05:29), 30-55 minutes.
 */
export function sharedSessions(seed: number, person: number, day: string): SharedSession[] {
  const rng = rngFor(seed, 'sandbox-person', person, day);
  if (rng() >= 1 / 6) return [];
  const startMs = Date.parse(`${day}T00:00:00Z`) + (4 * 60 + 30 + intBetween(rng, 0, 59)) * 60_000 + intBetween(rng, 0, 59) * 1000;
  return [{ startMs, durationSeconds: intBetween(rng, 180, 330) * 10, sport: 'running' }];
}

/** The UTC dates from `first` to `last` inclusive. */
export function utcDays(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

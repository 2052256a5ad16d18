/**
 * WHOOP v2 `sport_name` values -> normalized WorkoutSport. WHOOP names sports in lower case with
 * hyphens ("functional-fitness", "mountain-biking"); names are normalized that way (spaces and
 * underscores become hyphens) before lookup. Anything unknown is OTHER; the raw name always stays
 * in Workout.providerSport.
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';

export const WHOOP_SPORT_MAP: Readonly<Record<string, WorkoutSport>> = {
  running: 'RUNNING',
  'track-and-field': 'RUNNING',
  'trail-running': 'TRAIL_RUNNING',
  'treadmill-running': 'TREADMILL_RUNNING',
  walking: 'WALKING',
  'hiking/rucking': 'HIKING',
  hiking: 'HIKING',
  rucking: 'HIKING',
  cycling: 'CYCLING',
  'road-cycling': 'CYCLING',
  spin: 'INDOOR_CYCLING',
  'indoor-cycling': 'INDOOR_CYCLING',
  'mountain-biking': 'MOUNTAIN_BIKING',
  swimming: 'SWIMMING',
  'open-water-swimming': 'OPEN_WATER_SWIMMING',
  rowing: 'ROWING',
  kayaking: 'ROWING',
  'indoor-rowing': 'INDOOR_ROWING',
  'cross-country-skiing': 'CROSS_COUNTRY_SKIING',
  skiing: 'DOWNHILL_SKIING',
  snowboarding: 'DOWNHILL_SKIING',
  weightlifting: 'STRENGTH_TRAINING',
  powerlifting: 'STRENGTH_TRAINING',
  'strength-trainer': 'STRENGTH_TRAINING',
  'functional-fitness': 'CIRCUIT_TRAINING',
  crossfit: 'CIRCUIT_TRAINING',
  hiit: 'HIIT',
  yoga: 'YOGA',
  'hot-yoga': 'YOGA',
  pilates: 'PILATES',
  dance: 'DANCING',
  barre: 'DANCING',
  basketball: 'TEAM_SPORT',
  soccer: 'TEAM_SPORT',
  football: 'TEAM_SPORT',
  rugby: 'TEAM_SPORT',
  volleyball: 'TEAM_SPORT',
  'ice-hockey': 'TEAM_SPORT',
  lacrosse: 'TEAM_SPORT',
  baseball: 'TEAM_SPORT',
  tennis: 'RACKET_SPORT',
  squash: 'RACKET_SPORT',
  badminton: 'RACKET_SPORT',
  pickleball: 'RACKET_SPORT',
  padel: 'RACKET_SPORT',
  'table-tennis': 'RACKET_SPORT',
  elliptical: 'ELLIPTICAL',
  stairmaster: 'STAIR_CLIMBING',
};

export function mapWhoopSport(name: string | null): WorkoutSport {
  if (!name) return 'OTHER';
  return WHOOP_SPORT_MAP[name.trim().toLowerCase().replace(/[\s_]+/g, '-')] ?? 'OTHER';
}

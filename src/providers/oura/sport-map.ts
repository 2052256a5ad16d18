/**
 * Oura workout `activity` names -> normalized WorkoutSport. Oura sends snake_case lower-case names
 * (running, cycling, strength_training, ...); they are normalized to lower case with underscores
 * before lookup. Anything unknown is OTHER (the raw value stays in providerSport).
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';

export const OURA_SPORT_MAP: Readonly<Record<string, WorkoutSport>> = {
  running: 'RUNNING',
  jogging: 'RUNNING',
  track_and_field: 'RUNNING',
  orienteering: 'RUNNING',
  trail_running: 'TRAIL_RUNNING',
  treadmill_running: 'TREADMILL_RUNNING',
  indoor_running: 'TREADMILL_RUNNING',
  walking: 'WALKING',
  nordic_walking: 'WALKING',
  treadmill_walking: 'WALKING',
  hiking: 'HIKING',
  mountaineering: 'HIKING',
  cycling: 'CYCLING',
  road_cycling: 'CYCLING',
  e_biking: 'CYCLING',
  indoor_cycling: 'INDOOR_CYCLING',
  spinning: 'INDOOR_CYCLING',
  mountain_biking: 'MOUNTAIN_BIKING',
  swimming: 'SWIMMING',
  pool_swimming: 'SWIMMING',
  open_water_swimming: 'OPEN_WATER_SWIMMING',
  rowing: 'ROWING',
  kayaking: 'ROWING',
  canoeing: 'ROWING',
  indoor_rowing: 'INDOOR_ROWING',
  rowing_machine: 'INDOOR_ROWING',
  cross_country_skiing: 'CROSS_COUNTRY_SKIING',
  downhill_skiing: 'DOWNHILL_SKIING',
  skiing: 'DOWNHILL_SKIING',
  snowboarding: 'DOWNHILL_SKIING',
  strength_training: 'STRENGTH_TRAINING',
  weight_training: 'STRENGTH_TRAINING',
  weightlifting: 'STRENGTH_TRAINING',
  functional_training: 'STRENGTH_TRAINING',
  circuit_training: 'CIRCUIT_TRAINING',
  crossfit: 'CIRCUIT_TRAINING',
  hiit: 'HIIT',
  high_intensity_interval_training: 'HIIT',
  yoga: 'YOGA',
  pilates: 'PILATES',
  dancing: 'DANCING',
  dance: 'DANCING',
  aerobics: 'DANCING',
  soccer: 'TEAM_SPORT',
  football: 'TEAM_SPORT',
  american_football: 'TEAM_SPORT',
  basketball: 'TEAM_SPORT',
  volleyball: 'TEAM_SPORT',
  hockey: 'TEAM_SPORT',
  ice_hockey: 'TEAM_SPORT',
  handball: 'TEAM_SPORT',
  rugby: 'TEAM_SPORT',
  baseball: 'TEAM_SPORT',
  softball: 'TEAM_SPORT',
  cricket: 'TEAM_SPORT',
  tennis: 'RACKET_SPORT',
  badminton: 'RACKET_SPORT',
  squash: 'RACKET_SPORT',
  table_tennis: 'RACKET_SPORT',
  padel: 'RACKET_SPORT',
  pickleball: 'RACKET_SPORT',
  elliptical: 'ELLIPTICAL',
  cross_trainer: 'ELLIPTICAL',
  stair_climbing: 'STAIR_CLIMBING',
  stair_exercise: 'STAIR_CLIMBING',
  stairmaster: 'STAIR_CLIMBING',
};

const normalizeName = (name: string): string => name.trim().toLowerCase().replace(/[\s-]+/g, '_');

export function mapOuraSport(activity: string | null): WorkoutSport {
  if (!activity) return 'OTHER';
  return OURA_SPORT_MAP[normalizeName(activity)] ?? 'OTHER';
}


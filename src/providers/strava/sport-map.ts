/**
 * Strava sport_type (or the older `type`) -> normalized WorkoutSport. Unknown values are OTHER;
 * the raw sport_type always stays in providerSport.
 */
import type { WorkoutSport } from '../../generated/prisma/enums.js';

export const STRAVA_SPORT_MAP: Readonly<Record<string, WorkoutSport>> = {
  Run: 'RUNNING',
  VirtualRun: 'TREADMILL_RUNNING',
  TrailRun: 'TRAIL_RUNNING',
  Walk: 'WALKING',
  Hike: 'HIKING',
  Ride: 'CYCLING',
  GravelRide: 'CYCLING',
  EBikeRide: 'CYCLING',
  Velomobile: 'CYCLING',
  Handcycle: 'CYCLING',
  VirtualRide: 'INDOOR_CYCLING',
  MountainBikeRide: 'MOUNTAIN_BIKING',
  EMountainBikeRide: 'MOUNTAIN_BIKING',
  Swim: 'SWIMMING',
  Rowing: 'ROWING',
  Canoeing: 'ROWING',
  Kayaking: 'ROWING',
  VirtualRow: 'INDOOR_ROWING',
  NordicSki: 'CROSS_COUNTRY_SKIING',
  BackcountrySki: 'CROSS_COUNTRY_SKIING',
  RollerSki: 'CROSS_COUNTRY_SKIING',
  AlpineSki: 'DOWNHILL_SKIING',
  Snowboard: 'DOWNHILL_SKIING',
  WeightTraining: 'STRENGTH_TRAINING',
  Crossfit: 'CIRCUIT_TRAINING',
  HighIntensityIntervalTraining: 'HIIT',
  Workout: 'OTHER',
  Yoga: 'YOGA',
  Pilates: 'PILATES',
  Dance: 'DANCING',
  Soccer: 'TEAM_SPORT',
  Basketball: 'TEAM_SPORT',
  Volleyball: 'TEAM_SPORT',
  Tennis: 'RACKET_SPORT',
  Badminton: 'RACKET_SPORT',
  Squash: 'RACKET_SPORT',
  Pickleball: 'RACKET_SPORT',
  TableTennis: 'RACKET_SPORT',
  Racquetball: 'RACKET_SPORT',
  Elliptical: 'ELLIPTICAL',
  StairStepper: 'STAIR_CLIMBING',
};

export const mapStravaSport = (sportType: string | null): WorkoutSport => (sportType ? (STRAVA_SPORT_MAP[sportType] ?? 'OTHER') : 'OTHER');

/** HKWorkoutActivityType case names -> unified sports (data, not logic). */
import type { WorkoutSport } from '../../generated/prisma/enums.js';

const SPORTS: Record<string, WorkoutSport> = {
  Running: 'RUNNING', Walking: 'WALKING', Hiking: 'HIKING', Cycling: 'CYCLING', HandCycling: 'CYCLING', Swimming: 'SWIMMING',
  Rowing: 'ROWING', Paddling: 'ROWING', CrossCountrySkiing: 'CROSS_COUNTRY_SKIING', DownhillSkiing: 'DOWNHILL_SKIING', Snowboarding: 'DOWNHILL_SKIING',
  TraditionalStrengthTraining: 'STRENGTH_TRAINING', FunctionalStrengthTraining: 'STRENGTH_TRAINING', CoreTraining: 'STRENGTH_TRAINING',
  CrossTraining: 'CIRCUIT_TRAINING', MixedCardio: 'CIRCUIT_TRAINING', HighIntensityIntervalTraining: 'HIIT',
  Yoga: 'YOGA', MindAndBody: 'YOGA', Pilates: 'PILATES', Dance: 'DANCING', SocialDance: 'DANCING', CardioDance: 'DANCING', Barre: 'PILATES',
  Soccer: 'TEAM_SPORT', Basketball: 'TEAM_SPORT', Volleyball: 'TEAM_SPORT', Hockey: 'TEAM_SPORT', AmericanFootball: 'TEAM_SPORT', AustralianFootball: 'TEAM_SPORT',
  Rugby: 'TEAM_SPORT', Handball: 'TEAM_SPORT', Baseball: 'TEAM_SPORT', Softball: 'TEAM_SPORT', Cricket: 'TEAM_SPORT', Lacrosse: 'TEAM_SPORT',
  Tennis: 'RACKET_SPORT', Badminton: 'RACKET_SPORT', Squash: 'RACKET_SPORT', TableTennis: 'RACKET_SPORT', Racquetball: 'RACKET_SPORT', Pickleball: 'RACKET_SPORT',
  Elliptical: 'ELLIPTICAL', StairClimbing: 'STAIR_CLIMBING', Stairs: 'STAIR_CLIMBING', StepTraining: 'STAIR_CLIMBING',
};

export function hkSport(activityType: string, context: { indoor: boolean; openWater: boolean }): WorkoutSport {
  const sport = SPORTS[activityType.replace(/^HKWorkoutActivityType/, '')] ?? 'OTHER';
  if (context.indoor && sport === 'RUNNING') return 'TREADMILL_RUNNING';
  if (context.indoor && sport === 'CYCLING') return 'INDOOR_CYCLING';
  if (context.openWater && sport === 'SWIMMING') return 'OPEN_WATER_SWIMMING';
  return sport;
}

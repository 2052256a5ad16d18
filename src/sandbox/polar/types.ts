/** JSON shapes of the Polar data the fake serves (see data.ts for how they are generated). */

export interface HeartRateZone {
  index: number;
  'lower-limit': number;
  'upper-limit': number;
  'in-zone': string;
}
export interface ExerciseSample {
  'recording-rate': number;
  'sample-type': string;
  data: string;
}
export interface RoutePoint {
  latitude: number;
  longitude: number;
  time: string;
  satellites: number;
  fix: number;
}
export interface TrainingLoadPro {
  date: string;
  'cardio-load': number;
  'muscle-load': number;
  'perceived-load': number;
  'cardio-load-interpretation': string;
  'muscle-load-interpretation': string;
  'perceived-load-interpretation': string;
  'user-rpe': string;
}
/** Exercise as GET /v3/exercises/{id}?samples=true&zones=true&route=true returns it. */
export interface PolarExercise {
  id: string;
  upload_time: string;
  polar_user: string;
  device: string;
  device_id: string;
  start_time: string;
  start_time_utc_offset: number;
  duration: string;
  calories: number;
  distance?: number;
  heart_rate: { average: number; maximum: number };
  training_load: number;
  sport: string;
  detailed_sport_info: string;
  has_route: boolean;
  fat_percentage: number;
  carbohydrate_percentage: number;
  protein_percentage: number;
  'running-index'?: number;
  training_load_pro: TrainingLoadPro;
  heart_rate_zones: HeartRateZone[];
  samples: ExerciseSample[];
  route: RoutePoint[];
}

export interface PolarSleep {
  polar_user: string;
  date: string;
  sleep_start_time: string;
  sleep_end_time: string;
  device_id: string;
  continuity: number;
  continuity_class: number;
  light_sleep: number;
  deep_sleep: number;
  rem_sleep: number;
  unrecognized_sleep_stage: number;
  sleep_score: number;
  total_interruption_duration: number;
  sleep_charge: number;
  sleep_goal: number;
  sleep_rating: number;
  short_interruption_duration: number;
  long_interruption_duration: number;
  sleep_cycles: number;
  group_duration_score: number;
  group_solidity_score: number;
  group_regeneration_score: number;
  hypnogram: Record<string, number>;
  heart_rate_samples: Record<string, number>;
}

export interface PolarNightlyRecharge {
  polar_user: string;
  date: string;
  heart_rate_avg: number;
  beat_to_beat_avg: number;
  heart_rate_variability_avg: number;
  breathing_rate_avg: number;
  nightly_recharge_status: number;
  ans_charge: number;
  ans_charge_status: number;
  hrv_samples: Record<string, number>;
  breathing_samples: Record<string, number>;
}

/**
 * Daily activity. The documented non-transactional fields plus three the fake
 * keeps for itself and for the transactional view: `date`, `id`, `created`
 * (these three are NOT sent by GET /v3/users/activities).
 */
export interface FakeActivity {
  date: string;
  id: number;
  created: string;
  start_time: string;
  end_time: string;
  active_duration: string;
  inactive_duration: string;
  daily_activity: number;
  calories: number;
  active_calories: number;
  steps: number;
  inactivity_alert_count: number;
  distance_from_steps: number;
}

export interface PolarContinuousHeartRate {
  polar_user: string;
  date: string;
  heart_rate_samples: Array<{ heart_rate: number; sample_time: string }>;
}

export interface PolarCardioLoad {
  date: string;
  cardio_load_status: string;
  cardio_load: number;
  strain: number;
  tolerance: number;
  cardio_load_ratio: number;
  cardio_load_level: { very_low: number; low: number; medium: number; high: number; 'very-high': number };
}

/** Physical information in its transactional (kebab-case) shape, minus transaction-id/polar-user. */
export interface FakePhysicalInformation {
  id: number;
  created: string;
  weight: number;
  height: number;
  'maximum-heart-rate': number;
  'resting-heart-rate': number;
  'aerobic-threshold': number;
  'anaerobic-threshold': number;
  'vo2-max': number;
  'weight-source': string;
}

export interface PolarSkinTemperature {
  sleep_time_skin_temperature_celsius: number;
  deviation_from_baseline_celsius: number;
  sleep_date: string;
}

export interface FakeProfile {
  firstName: string;
  lastName: string;
  birthdate: string;
  gender: 'MALE' | 'FEMALE';
  weight: number;
  height: number;
  maxHeartRate: number;
  restingHeartRate: number;
}

export interface UserData {
  profile: FakeProfile;
  device: string;
  deviceId: string;
  timeZoneOffsetMinutes: number;
  /** Sorted by start_time. Full objects (zones, samples, route included). */
  exercises: PolarExercise[];
  /** Numeric ids used by the transactional API, keyed by hashed exercise id. */
  exerciseNumericIds: Map<string, number>;
  sleeps: PolarSleep[];
  nightlyRecharges: PolarNightlyRecharge[];
  activities: FakeActivity[];
  continuousHeartRate: PolarContinuousHeartRate[];
  physicalInformation: FakePhysicalInformation[];
  skinTemperature: PolarSkinTemperature[];
}

export interface GenerationContext {
  seed: number;
  polarUserId: number;
  apiUrl: string;
  today: string;
  days: number;
  timeZoneOffsetMinutes: number;
  /** Sandbox: the person behind the login (src/sandbox/shared/person.ts), whose runs Strava gets too. */
  person?: number | null;
}


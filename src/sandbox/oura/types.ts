/** JSON shapes the Oura fake serves (Oura API v2 field names, snake_case). */

export const COLLECTIONS = [
  'daily_activity',
  'daily_readiness',
  'daily_sleep',
  'daily_spo2',
  'daily_stress',
  'daily_resilience',
  'vO2_max',
  'sleep',
  'workout',
  'session',
] as const;

/** Document collections served with start_date/end_date and /{document_id}. */
export type CollectionType = (typeof COLLECTIONS)[number];

export type SleepType = 'deleted' | 'sleep' | 'long_sleep' | 'late_nap' | 'rest';

export interface OuraSample {
  interval: number;
  items: Array<number | null>;
  timestamp: string;
}

export interface OuraReadinessContributors {
  activity_balance: number | null;
  body_temperature: number | null;
  hrv_balance: number | null;
  previous_day_activity: number | null;
  previous_night: number | null;
  recovery_index: number | null;
  resting_heart_rate: number | null;
  sleep_balance: number | null;
}

export interface OuraSleepReadiness {
  score: number | null;
  contributors: OuraReadinessContributors;
  temperature_deviation: number | null;
  temperature_trend_deviation: number | null;
}

export interface OuraSleep {
  id: string;
  day: string;
  type: SleepType;
  period: number;
  bedtime_start: string;
  bedtime_end: string;
  time_in_bed: number;
  total_sleep_duration: number | null;
  awake_time: number | null;
  light_sleep_duration: number | null;
  deep_sleep_duration: number | null;
  rem_sleep_duration: number | null;
  efficiency: number | null;
  latency: number | null;
  restless_periods: number | null;
  average_breath: number | null;
  average_heart_rate: number | null;
  lowest_heart_rate: number | null;
  average_hrv: number | null;
  heart_rate: OuraSample | null;
  hrv: OuraSample | null;
  sleep_phase_5_min: string | null;
  movement_30_sec: string | null;
  readiness: OuraSleepReadiness | null;
  readiness_score_delta: number | null;
  sleep_score_delta: number | null;
  low_battery_alert: boolean;
  sleep_algorithm_version: string | null;
}

export interface OuraDailySleep {
  id: string;
  day: string;
  score: number | null;
  timestamp: string;
  contributors: {
    deep_sleep: number | null;
    efficiency: number | null;
    latency: number | null;
    rem_sleep: number | null;
    restfulness: number | null;
    timing: number | null;
    total_sleep: number | null;
  };
}

export interface OuraDailyReadiness {
  id: string;
  day: string;
  score: number | null;
  timestamp: string;
  temperature_deviation: number | null;
  temperature_trend_deviation: number | null;
  contributors: OuraReadinessContributors;
}

export interface OuraDailyActivity {
  id: string;
  day: string;
  score: number | null;
  timestamp: string;
  steps: number;
  active_calories: number;
  total_calories: number;
  target_calories: number;
  target_meters: number;
  meters_to_target: number;
  equivalent_walking_distance: number;
  high_activity_time: number;
  medium_activity_time: number;
  low_activity_time: number;
  sedentary_time: number;
  resting_time: number;
  non_wear_time: number;
  high_activity_met_minutes: number;
  medium_activity_met_minutes: number;
  low_activity_met_minutes: number;
  sedentary_met_minutes: number;
  average_met_minutes: number;
  inactivity_alerts: number;
  met: OuraSample;
  /** One char per 5 min from 04:00 local: 0 non-wear, 1 rest, 2 inactive, 3 low, 4 medium, 5 high. */
  class_5_min: string;
  contributors: {
    meet_daily_targets: number | null;
    move_every_hour: number | null;
    recovery_time: number | null;
    stay_active: number | null;
    training_frequency: number | null;
    training_volume: number | null;
  };
}

export type WorkoutIntensity = 'easy' | 'moderate' | 'hard';
export type WorkoutSource = 'manual' | 'autodetected' | 'confirmed' | 'workout_heart_rate';

export interface OuraWorkout {
  id: string;
  activity: string;
  calories: number | null;
  day: string;
  distance: number | null;
  start_datetime: string;
  end_datetime: string;
  intensity: WorkoutIntensity;
  label: string | null;
  source: WorkoutSource;
}

export interface OuraSession {
  id: string;
  day: string;
  start_datetime: string;
  end_datetime: string;
  type: 'breathing' | 'meditation' | 'nap' | 'relaxation' | 'rest' | 'body_status';
  heart_rate: OuraSample | null;
  heart_rate_variability: OuraSample | null;
  mood: 'bad' | 'worse' | 'same' | 'good' | 'great' | null;
  motion_count: OuraSample | null;
}

export interface OuraDailySpo2 {
  id: string;
  day: string;
  spo2_percentage: { average: number } | null;
  breathing_disturbance_index: number | null;
}

export interface OuraDailyStress {
  id: string;
  day: string;
  stress_high: number | null;
  recovery_high: number | null;
  day_summary: 'restored' | 'normal' | 'stressful' | null;
}

export interface OuraDailyResilience {
  id: string;
  day: string;
  contributors: { sleep_recovery: number; daytime_recovery: number; stress: number };
  level: 'limited' | 'adequate' | 'solid' | 'strong' | 'exceptional';
}

export interface OuraVo2Max {
  id: string;
  day: string;
  timestamp: string;
  vo2_max: number | null;
}

export type HeartRateSource = 'awake' | 'rest' | 'sleep' | 'session' | 'live' | 'workout';

export interface OuraHeartRate {
  bpm: number;
  source: HeartRateSource;
  /** UTC, "YYYY-MM-DDTHH:MM:SS+00:00". */
  timestamp: string;
}

export interface OuraPersonalInfo {
  id: string;
  age: number | null;
  weight: number | null;
  height: number | null;
  biological_sex: string | null;
  email: string | null;
}

export interface DocumentOf {
  daily_activity: OuraDailyActivity;
  daily_readiness: OuraDailyReadiness;
  daily_sleep: OuraDailySleep;
  daily_spo2: OuraDailySpo2;
  daily_stress: OuraDailyStress;
  daily_resilience: OuraDailyResilience;
  vO2_max: OuraVo2Max;
  sleep: OuraSleep;
  workout: OuraWorkout;
  session: OuraSession;
}

export type OuraDocument = DocumentOf[CollectionType];

export type UserCollections = { [K in CollectionType]: Array<DocumentOf[K]> };

export interface UserData extends UserCollections {
  personalInfo: OuraPersonalInfo;
  timeZoneOffsetMinutes: number;
  /** Sorted by timestamp. */
  heartrate: OuraHeartRate[];
}

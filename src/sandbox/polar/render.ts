/** Renders stored fake data into the exact JSON shapes of each AccessLink view. */
import type { FakeActivity, FakePhysicalInformation, PolarExercise } from './data.js';

export interface ExerciseFlags {
  samples: boolean;
  zones: boolean;
  route: boolean;
}

/** Non-transactional exercise (GET /v3/exercises[/{id}]): snake_case, optional parts by query flag. */
export function renderExercise(e: PolarExercise, flags: ExerciseFlags): Record<string, unknown> {
  const { heart_rate_zones, samples, route, ...rest } = e;
  return {
    ...rest,
    ...(flags.zones ? { heart_rate_zones } : {}),
    ...(flags.samples ? { samples } : {}),
    ...(flags.route ? { route } : {}),
  };
}

/** Transactional exercise summary: kebab-case keys, numeric id, transaction-id. */
export function renderTransactionalExercise(e: PolarExercise, numericId: number, transactionId: number): Record<string, unknown> {
  return {
    id: numericId,
    'upload-time': e.upload_time,
    'polar-user': e.polar_user,
    'transaction-id': transactionId,
    device: e.device,
    'device-id': e.device_id,
    'start-time': e.start_time,
    'start-time-utc-offset': e.start_time_utc_offset,
    duration: e.duration,
    calories: e.calories,
    ...(e.distance !== undefined ? { distance: e.distance } : {}),
    'heart-rate': { ...e.heart_rate },
    'training-load': e.training_load,
    sport: e.sport,
    'has-route': e.has_route,
    'detailed-sport-info': e.detailed_sport_info,
    'fat-percentage': e.fat_percentage,
    'carbohydrate-percentage': e.carbohydrate_percentage,
    'protein-percentage': e.protein_percentage,
    ...(e['running-index'] !== undefined ? { 'running-index': e['running-index'] } : {}),
    'training-load-pro': { ...e.training_load_pro },
  };
}

/** Non-transactional daily activity (GET /v3/users/activities...). */
export function renderActivity(a: FakeActivity): Record<string, unknown> {
  return {
    start_time: a.start_time,
    end_time: a.end_time,
    active_duration: a.active_duration,
    inactive_duration: a.inactive_duration,
    daily_activity: a.daily_activity,
    calories: a.calories,
    active_calories: a.active_calories,
    steps: a.steps,
    inactivity_alert_count: a.inactivity_alert_count,
    distance_from_steps: a.distance_from_steps,
  };
}

/** Transactional activity summary (activity-transactions). */
export function renderTransactionalActivity(a: FakeActivity, polarUser: string, transactionId: number): Record<string, unknown> {
  return {
    id: a.id,
    'polar-user': polarUser,
    'transaction-id': transactionId,
    date: a.date,
    created: a.created,
    calories: a.calories,
    'active-calories': a.active_calories,
    duration: a.active_duration,
    'active-steps': a.steps,
  };
}

export function renderPhysicalInformation(p: FakePhysicalInformation, polarUser: string, transactionId: number): Record<string, unknown> {
  return {
    id: p.id,
    'transaction-id': transactionId,
    created: p.created,
    'polar-user': polarUser,
    weight: p.weight,
    height: p.height,
    'maximum-heart-rate': p['maximum-heart-rate'],
    'resting-heart-rate': p['resting-heart-rate'],
    'aerobic-threshold': p['aerobic-threshold'],
    'anaerobic-threshold': p['anaerobic-threshold'],
    'vo2-max': p['vo2-max'],
    'weight-source': p['weight-source'],
  };
}

/** Minimal GPX 1.1 document of an exercise's route (null when it has none). */
export function renderGpx(e: PolarExercise): string | null {
  if (!e.route.length) return null;
  const startUtc = Date.parse(`${e.start_time}Z`) - e.start_time_utc_offset * 60_000;
  const seconds = (iso: string): number => {
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
    return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : 0;
  };
  const points = e.route
    .map(
      (p) =>
        `      <trkpt lat="${p.latitude}" lon="${p.longitude}"><time>${new Date(startUtc + seconds(p.time) * 1000).toISOString()}</time></trkpt>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Polar fake" xmlns="http://www.topografix.com/GPX/1/1">
  <trk>
    <name>${e.detailed_sport_info}</name>
    <trkseg>
${points}
    </trkseg>
  </trk>
</gpx>
`;
}

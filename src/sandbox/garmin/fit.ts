/** Activity files as Garmin serves them: FIT, written with Garmin's own SDK (@garmin/fitsdk). */
import { Encoder, Profile, type FileIdMesg, type RecordMesg, type SessionMesg } from '@garmin/fitsdk';
import type { Summary } from './data.js';

/** A FIT activity file of an activity-details summary: file id, one record per sample, the session. */
export function activityFit(details: Summary): Uint8Array {
  const summary = details.summary as Record<string, number | string>;
  const samples = details.samples as { startTimeInSeconds: number; heartRate: number; speedMetersPerSecond: number; totalDistanceInMeters: number }[];
  const start = new Date(Number(summary.startTimeInSeconds) * 1000);
  const encoder = new Encoder();
  encoder.onMesg(Profile.MesgNum.FILE_ID, { manufacturer: 'garmin', product: 4315, timeCreated: start, type: 'activity' } as FileIdMesg);
  for (const sample of samples) {
    encoder.onMesg(Profile.MesgNum.RECORD, { timestamp: new Date(sample.startTimeInSeconds * 1000), heartRate: sample.heartRate, speed: sample.speedMetersPerSecond, distance: sample.totalDistanceInMeters } as RecordMesg);
  }
  encoder.onMesg(Profile.MesgNum.SESSION, {
    startTime: start,
    timestamp: new Date((Number(summary.startTimeInSeconds) + Number(summary.durationInSeconds)) * 1000),
    totalElapsedTime: Number(summary.durationInSeconds),
    totalDistance: Number(summary.distanceInMeters),
    sport: 'running',
  } as SessionMesg);
  return encoder.close();
}

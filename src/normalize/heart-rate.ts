/** Heart-rate points (any provider) -> samples, with implausible or missing values dropped and reported. */
import type { FieldIssue, HeartRateSampleRecord } from './records.js';
import { PLAUSIBLE } from './units.js';

/** What a series' samples share, unless a point says otherwise. */
export interface HeartRateFrame {
  utcOffsetMinutes: number;
  context: string | null;
  sourceDevice: string | null;
}

export interface HeartRatePoint extends Partial<HeartRateFrame> {
  at: Date;
  /** bpm as the provider sent it: a number, a numeric string, or garbage. */
  value: unknown;
}

export function heartRateSamples(points: readonly HeartRatePoint[], field: string, issues: FieldIssue[], frame: HeartRateFrame): HeartRateSampleRecord[] {
  const [min, max] = PLAUSIBLE.heartRateBpm;
  const samples: HeartRateSampleRecord[] = [];
  let dropped = 0;
  for (const point of points) {
    const bpm = typeof point.value === 'string' && point.value.trim() !== '' ? Number(point.value) : point.value;
    if (typeof bpm !== 'number' || !Number.isFinite(bpm) || bpm < min || bpm > max) {
      dropped++;
      continue;
    }
    samples.push({
      time: point.at,
      utcOffsetMinutes: point.utcOffsetMinutes ?? frame.utcOffsetMinutes,
      bpm: Math.round(bpm),
      context: point.context !== undefined ? point.context : frame.context,
      sourceDevice: point.sourceDevice !== undefined ? point.sourceDevice : frame.sourceDevice,
    });
  }
  if (dropped) issues.push({ field, reason: `${dropped} of ${points.length} samples missing or outside [${min}, ${max}]` });
  return samples;
}

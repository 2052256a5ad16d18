import { builder } from '../builder.js';
import { SleepTypeEnum } from './enums.js';
import { HealthRecord } from './health-record.js';

export const SleepSessionRef = builder.prismaNode('SleepSession', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  interfaces: [HealthRecord],
  description: 'One sleep period. localDate is the date of the morning it ended.',
  fields: (t) => ({
    type: t.expose('type', { type: SleepTypeEnum, description: 'Main sleep, nap or rest.' }),
    startTime: t.expose('startTime', { type: 'DateTime', description: 'Bedtime start, UTC instant.' }),
    endTime: t.expose('endTime', { type: 'DateTime', description: 'Bedtime end, UTC instant.' }),
    timeInBedSeconds: t.exposeInt('timeInBedSeconds', { nullable: true, description: 'Time in bed, seconds.' }),
    totalSleepSeconds: t.exposeInt('totalSleepSeconds', { nullable: true, description: 'Total sleep, seconds.' }),
    lightSleepSeconds: t.exposeInt('lightSleepSeconds', { nullable: true, description: 'Light sleep, seconds.' }),
    deepSleepSeconds: t.exposeInt('deepSleepSeconds', { nullable: true, description: 'Deep sleep, seconds.' }),
    remSleepSeconds: t.exposeInt('remSleepSeconds', { nullable: true, description: 'REM sleep, seconds.' }),
    awakeSeconds: t.exposeInt('awakeSeconds', { nullable: true, description: 'Awake time during the period, seconds.' }),
    unrecognizedSleepSeconds: t.exposeInt('unrecognizedSleepSeconds', { nullable: true, description: 'Sleep the device could not stage, seconds.' }),
    latencySeconds: t.exposeInt('latencySeconds', { nullable: true, description: 'Time to fall asleep, seconds.' }),
    efficiencyPercent: t.exposeFloat('efficiencyPercent', { nullable: true, description: 'Sleep efficiency, percent (0-100).' }),
    score: t.exposeInt('score', { nullable: true, description: "The provider's sleep score (0-100)." }),
    interruptionsSeconds: t.exposeInt('interruptionsSeconds', { nullable: true, description: 'Total interruptions, seconds.' }),
    averageHeartRateBpm: t.exposeFloat('averageHeartRateBpm', { nullable: true, description: 'Average heart rate during sleep, bpm.' }),
    lowestHeartRateBpm: t.exposeFloat('lowestHeartRateBpm', { nullable: true, description: 'Lowest heart rate during sleep, bpm.' }),
    averageHrvRmssdMs: t.exposeFloat('averageHrvRmssdMs', { nullable: true, description: 'Average HRV (RMSSD) during sleep, milliseconds.' }),
    breathingRatePerMinute: t.exposeFloat('breathingRatePerMinute', { nullable: true, description: 'Average breaths per minute.' }),
    hypnogram: t.expose('hypnogram', {
      type: 'JSON',
      nullable: true,
      description: 'Sleep stages over time: [{ start (UTC instant), durationSeconds, stage: AWAKE|LIGHT|DEEP|REM|UNKNOWN }].',
    }),
    extras: t.expose('extras', { type: 'JSON', nullable: true, description: 'Provider-specific fields without a common field.' }),
  }),
});

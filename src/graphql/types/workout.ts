import { builder } from '../builder.js';
import { WorkoutSportEnum } from './enums.js';
import { HealthRecord } from './health-record.js';

export const WorkoutRef = builder.prismaNode('Workout', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  interfaces: [HealthRecord],
  description: 'A training session or workout.',
  fields: (t) => ({
    sport: t.expose('sport', { type: WorkoutSportEnum, description: 'Normalized sport.' }),
    providerSport: t.exposeString('providerSport', {
      description: 'The sport as the provider named it (e.g. Polar "RUNNING/RUNNING_ROAD", Oura "running").',
    }),
    startTime: t.expose('startTime', { type: 'DateTime', description: 'Start, as a UTC instant.' }),
    endTime: t.expose('endTime', { type: 'DateTime', description: 'End, as a UTC instant.' }),
    durationSeconds: t.exposeFloat('durationSeconds', { description: 'Duration in seconds.' }),
    distanceMeters: t.exposeFloat('distanceMeters', { nullable: true, description: 'Distance in metres.' }),
    energyKcal: t.exposeFloat('energyKcal', { nullable: true, description: 'Energy expenditure in kilocalories.' }),
    averageHeartRateBpm: t.exposeFloat('averageHeartRateBpm', { nullable: true, description: 'Average heart rate, beats per minute.' }),
    maxHeartRateBpm: t.exposeFloat('maxHeartRateBpm', { nullable: true, description: 'Maximum heart rate, beats per minute.' }),
    trainingLoad: t.exposeFloat('trainingLoad', { nullable: true, description: 'Cardio/training load (Polar cardio load).' }),
    muscleLoad: t.exposeFloat('muscleLoad', { nullable: true, description: 'Muscle load (Polar), in kJ.' }),
    intensity: t.exposeString('intensity', { nullable: true, description: 'Intensity as the provider rates it (e.g. Oura easy/moderate/hard).' }),
    heartRateZones: t.expose('heartRateZones', {
      type: 'JSON',
      nullable: true,
      description: 'Time in heart-rate zones: [{ zone, lowerBpm, upperBpm, durationSeconds }].',
    }),
    extras: t.expose('extras', { type: 'JSON', nullable: true, description: 'Provider-specific fields without a common field.' }),
    duplicateOf: t.relation('duplicateOf', {
      nullable: true,
      description: "When another provider recorded the same session (>80% time overlap), that provider's record; set on the lower-priority one.",
    }),
    duplicates: t.relation('duplicates', { description: 'Records of the same session from lower-priority providers.' }),
  }),
});

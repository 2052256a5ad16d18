import { builder } from '../builder.js';
import { HealthRecord } from './health-record.js';

export const DailyActivityRef = builder.prismaNode('DailyActivity', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  interfaces: [HealthRecord],
  description: "One local day's activity summary.",
  fields: (t) => ({
    steps: t.exposeInt('steps', { nullable: true, description: 'Steps.' }),
    activeEnergyKcal: t.exposeFloat('activeEnergyKcal', { nullable: true, description: 'Active energy, kilocalories.' }),
    totalEnergyKcal: t.exposeFloat('totalEnergyKcal', { nullable: true, description: 'Total energy, kilocalories.' }),
    activeDurationSeconds: t.exposeInt('activeDurationSeconds', { nullable: true, description: 'Active time, seconds.' }),
    distanceMeters: t.exposeFloat('distanceMeters', { nullable: true, description: 'Distance, metres.' }),
    score: t.exposeInt('score', { nullable: true, description: 'Activity score 0-100 (Oura).' }),
    cardioLoad: t.exposeFloat('cardioLoad', { nullable: true, description: "Polar cardio load of the day." }),
    cardioLoadStrain: t.exposeFloat('cardioLoadStrain', { nullable: true, description: 'Polar strain (short-term load).' }),
    cardioLoadTolerance: t.exposeFloat('cardioLoadTolerance', { nullable: true, description: 'Polar tolerance (long-term load).' }),
    cardioLoadStatus: t.exposeString('cardioLoadStatus', { nullable: true, description: 'Polar cardio load status (e.g. PRODUCTIVE).' }),
    extras: t.expose('extras', { type: 'JSON', nullable: true, description: 'Provider-specific fields.' }),
  }),
});

import { builder } from '../builder.js';
import { HealthRecord } from './health-record.js';

export const Vo2MaxEstimateRef = builder.prismaNode('Vo2MaxEstimate', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  interfaces: [HealthRecord],
  description: 'A VO2max estimate.',
  fields: (t) => ({
    measuredAt: t.expose('measuredAt', { type: 'DateTime', description: 'When it was estimated, UTC instant.' }),
    vo2MaxMlPerKgMin: t.exposeFloat('vo2MaxMlPerKgMin', { description: 'VO2max, ml/kg/min.' }),
  }),
});

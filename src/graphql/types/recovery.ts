import { builder } from '../builder.js';
import { HealthRecord } from './health-record.js';

export const RecoveryRef = builder.prismaNode('Recovery', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  interfaces: [HealthRecord],
  description: "One night's recovery: Polar Nightly Recharge or Oura readiness.",
  fields: (t) => ({
    hrvRmssdMs: t.exposeFloat('hrvRmssdMs', { nullable: true, description: 'Heart-rate variability (RMSSD), milliseconds.' }),
    restingHeartRateBpm: t.exposeFloat('restingHeartRateBpm', { nullable: true, description: 'Resting heart rate, bpm.' }),
    averageHeartRateBpm: t.exposeFloat('averageHeartRateBpm', { nullable: true, description: 'Average night heart rate, bpm.' }),
    beatToBeatAverageMs: t.exposeFloat('beatToBeatAverageMs', { nullable: true, description: 'Average beat-to-beat interval, milliseconds.' }),
    breathingRatePerMinute: t.exposeFloat('breathingRatePerMinute', { nullable: true, description: 'Average breaths per minute.' }),
    readinessScore: t.exposeInt('readinessScore', { nullable: true, description: 'Readiness score 0-100 (Oura).' }),
    nightlyRechargeStatus: t.exposeInt('nightlyRechargeStatus', {
      nullable: true,
      description: 'Polar Nightly Recharge status, 1 (very poor) to 6 (very good).',
    }),
    ansCharge: t.exposeFloat('ansCharge', { nullable: true, description: 'Polar ANS charge, -10 to +10.' }),
    ansChargeStatus: t.exposeInt('ansChargeStatus', { nullable: true, description: 'Polar ANS charge status, 1 to 5.' }),
    sleepCharge: t.exposeInt('sleepCharge', { nullable: true, description: 'Polar sleep charge, 1 to 5.' }),
    skinTemperatureDeviationCelsius: t.exposeFloat('skinTemperatureDeviationCelsius', {
      nullable: true,
      description: 'Skin temperature deviation from the personal baseline, degrees Celsius.',
    }),
    extras: t.expose('extras', { type: 'JSON', nullable: true, description: 'Provider-specific fields (contributors, samples...).' }),
  }),
});

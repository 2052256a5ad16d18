import { formatOffset } from '../../normalize/time.js';
import { builder } from '../builder.js';
import { ProviderEnum } from './enums.js';
import { SourceRef } from './health-record.js';

export const HeartRateSampleRef = builder.prismaObject('HeartRateSample', {
  description: 'One heart-rate sample of the time series.',
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime', description: 'Sample instant, UTC.' }),
    heartRateBpm: t.exposeInt('bpm', { description: 'Heart rate, beats per minute (the unit in the name, as on every record).' }),
    bpm: t.exposeInt('bpm', { description: 'Heart rate, beats per minute.', deprecationReason: 'Use heartRateBpm (units in field names, as on every other record).' }),
    provider: t.expose('provider', { type: ProviderEnum, description: 'The provider that reported it.' }),
    utcOffset: t.field({ type: 'UtcOffset', description: "The wearer's UTC offset at the time.", resolve: (s) => formatOffset(s.utcOffsetMinutes) }),
    context: t.exposeString('context', { nullable: true, description: 'What the wearer was doing, when the provider says (sleep, workout, awake...).' }),
    source: t.field({ type: SourceRef, description: 'Provider and device this sample came from (as on every other record).', resolve: (s) => ({ provider: s.provider, device: s.sourceDevice }) }),
    sourceDevice: t.exposeString('sourceDevice', { nullable: true, description: 'Recording device.', deprecationReason: 'Use source { device }, as on every other record.' }),
  }),
});

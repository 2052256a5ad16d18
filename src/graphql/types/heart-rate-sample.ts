import { formatOffset } from '../../normalize/time.js';
import { builder } from '../builder.js';
import { ProviderEnum } from './enums.js';

export const HeartRateSampleRef = builder.prismaObject('HeartRateSample', {
  description: 'One heart-rate sample of the time series.',
  fields: (t) => ({
    time: t.expose('time', { type: 'DateTime', description: 'Sample instant, UTC.' }),
    bpm: t.exposeInt('bpm', { description: 'Heart rate, beats per minute.' }),
    provider: t.expose('provider', { type: ProviderEnum, description: 'The provider that reported it.' }),
    utcOffset: t.field({ type: 'UtcOffset', description: "The wearer's UTC offset at the time.", resolve: (s) => formatOffset(s.utcOffsetMinutes) }),
    context: t.exposeString('context', { nullable: true, description: 'What the wearer was doing, when the provider says (sleep, workout, awake...).' }),
    sourceDevice: t.exposeString('sourceDevice', { nullable: true, description: 'Recording device.' }),
  }),
});

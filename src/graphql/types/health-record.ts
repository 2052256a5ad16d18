import type { Provider } from '../../generated/prisma/enums.js';
import { formatLocalDate, formatOffset } from '../../normalize/time.js';
import { builder } from '../builder.js';
import { ProviderEnum } from './enums.js';

/** The fields every normalized record carries, whatever its provider or kind. */
export interface HealthRecordShape {
  provider: Provider;
  providerRecordId: string;
  sourceDevice: string | null;
  utcOffsetMinutes: number;
  localDate: Date;
}

export const SourceRef = builder.objectRef<{ provider: Provider; device: string | null }>('Source');
SourceRef.implement({
  description: 'Where a record came from.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, description: 'The provider that reported it.', resolve: (s) => s.provider }),
    device: t.string({
      nullable: true,
      description: 'The recording device as the provider names it (e.g. "Polar Vantage V3", "Oura Ring Gen3").',
      resolve: (s) => s.device,
    }),
  }),
});

export const HealthRecord = builder.interfaceRef<HealthRecordShape>('HealthRecord');
HealthRecord.implement({
  description: 'A normalized record from one provider.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, description: 'The provider that reported this record.', resolve: (r) => r.provider }),
    providerRecordId: t.string({ description: "The provider's own id for this record.", resolve: (r) => r.providerRecordId }),
    source: t.field({
      type: SourceRef,
      description: 'Provider and device this record came from.',
      resolve: (r) => ({ provider: r.provider, device: r.sourceDevice }),
    }),
    utcOffsetMinutes: t.int({
      description: "The wearer's UTC offset in minutes when the record was made (e.g. -420 for UTC-7).",
      resolve: (r) => r.utcOffsetMinutes,
    }),
    utcOffset: t.field({
      type: 'UtcOffset',
      description: 'The same offset as "+HH:MM".',
      resolve: (r) => formatOffset(r.utcOffsetMinutes),
    }),
    localDate: t.field({
      type: 'LocalDate',
      description: "The wearer's local calendar date the record belongs to.",
      resolve: (r) => formatLocalDate(r.localDate),
    }),
  }),
});

export { startOuraFake, authorize } from './server.js';
export type {
  OuraFake,
  OuraFakeOptions,
  OuraUserDataView,
  FakeUserInfo,
  FakeTokenInfo,
  SubscriptionInfo,
  ConnectedUser,
} from './server.js';
export type { OuraFaults, FailOptions } from './faults.js';
export type { RequestLogEntry, DeliveryLogEntry } from './store.js';
export { signOuraWebhook, WEBHOOK_EVENT_TYPES, WEBHOOK_DATA_TYPES, type WebhookEventInput } from './webhooks.js';
export { OURA_SCOPES, DEFAULT_SCOPES } from './oauth.js';
export { SCOPES_FOR, EMPTY_COLLECTIONS, HEARTRATE_MAX_RANGE_MS } from './usercollection.js';
export { mulberry32 } from './data.js';
export { formatOffset } from './time.js';
export {
  COLLECTIONS,
  type CollectionType,
  type DocumentOf,
  type OuraDocument,
  type OuraSleep,
  type OuraDailySleep,
  type OuraDailyReadiness,
  type OuraDailyActivity,
  type OuraWorkout,
  type OuraSession,
  type OuraDailySpo2,
  type OuraDailyStress,
  type OuraDailyResilience,
  type OuraVo2Max,
  type OuraHeartRate,
  type OuraPersonalInfo,
  type OuraSample,
  type SleepType,
} from './types.js';

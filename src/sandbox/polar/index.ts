export { startPolarFake, authorize } from './server.js';
export type { PolarFake, PolarFakeOptions, PolarUserDataView, FakeUserInfo, AddExerciseOptions } from './server.js';
export type { PolarFaults, FailOptions } from './faults.js';
export type { RequestLogEntry, WebhookRecord } from './store.js';
export { signWebhookBody, WEBHOOK_EVENTS, type WebhookEventInput } from './webhooks.js';
export { isoDuration, parseIsoDuration, formatOffset } from './time.js';
export {
  mulberry32,
  computeCardioLoad,
  exerciseLocalDate,
  type PolarExercise,
  type PolarSleep,
  type PolarNightlyRecharge,
  type PolarContinuousHeartRate,
  type PolarCardioLoad,
  type PolarSkinTemperature,
  type FakeActivity,
  type FakePhysicalInformation,
  type FakeProfile,
  type HeartRateZone,
  type ExerciseSample,
  type RoutePoint,
  type TrainingLoadPro,
} from './data.js';

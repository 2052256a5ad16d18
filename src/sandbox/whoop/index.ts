export { startWhoopFake, authorizeWhoop, type WhoopFake, type WhoopFakeOptions } from './server.js';
export { signWhoopWebhook, WEBHOOK_TYPES, type WhoopWebhookType } from './webhooks.js';
export { WHOOP_SCOPES } from './store.js';
export { API_PREFIX, MAX_LIMIT } from './api.js';
export { AUTHORIZE_PATH, TOKEN_PATH, MIN_STATE_LENGTH } from './oauth.js';
export { GENERATED_SPORTS, type WhoopCycle, type WhoopSleep, type WhoopRecovery, type WhoopWorkout, type WhoopUserData, type ScoreState } from './data.js';

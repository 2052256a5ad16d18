/** The Strava simulator (the tests' fake and the sandbox's Strava). */
export { startStravaFake, authorize, STRAVA_SCOPES, type StravaFake, type StravaFakeOptions, type StravaEventInput } from './server.js';
export type { StravaActivity, StravaStreams } from './data.js';
export { STREAM_STEP_SECONDS } from './data.js';
export type { RateLimitOptions } from './store.js';

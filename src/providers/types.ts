/**
 * The one interface a provider implements. The sync engine, the OAuth flow, the webhook routes and
 * the GraphQL layer know providers only through it: adding a provider is a new folder under
 * src/providers/<slug>/ exporting a ProviderAdapter, registered in src/providers/registry.ts, plus
 * its simulator under src/sandbox/<slug>/ (the test fake and the no-credentials sandbox).
 */
import type { Config, PriorityDataType, ProviderCredentials } from '../config.js';
import type { SettingsMode } from '../sandbox/settings.js';
import type { SandboxMode } from '../sandbox/tokens.js';
import type { Provider } from '../generated/prisma/enums.js';
import type { Json, MapOutcome } from '../normalize/records.js';
import type { HttpClient } from './http.js';
import type { RateLimitReader } from './rate-limit.js';

export interface OAuthSettings {
  authorizationUrl: string;
  tokenUrl: string;
  /** Scopes requested at authorization. */
  scopes: string[];
  /** How the scope parameter joins them (default ' '; Strava wants ','). */
  scopeSeparator?: ' ' | ',';
  /** Further authorization request parameters (Strava: approval_prompt). */
  authorizationParams?: Readonly<Record<string, string>>;
  /** How the client authenticates at the token endpoint. */
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  pkce: boolean;
  issuesRefreshTokens: boolean;
}

/** What the provider adapter needs from the configuration, resolved once. */
export interface ProviderSettings {
  credentials: ProviderCredentials | null;
  oauth: OAuthSettings;
  apiUrl: string;
  /**
   * Token the provider echoes when it verifies a webhook subscription (Oura's
   * `verification_token`); absent for providers without such a handshake. It is the declaration's
   * extra setting named `webhookVerificationToken`.
   */
  webhookVerificationToken?: string | null;
  /** The declaration's extraSettings, by key (null when unset, and always null in the sandbox). */
  extras?: Readonly<Record<string, string | null>>;
  /** True when these are the built-in simulator's endpoints (src/sandbox/), not the real provider's (absent: false). */
  sandbox?: boolean;
}

/** A provider's raw record as fetched, before mapping. */
export interface RawItem {
  /** The provider's data-type name, e.g. "exercise", "sleep", "nightly_recharge". */
  dataType: string;
  providerRecordId: string;
  payload: Json;
}

/**
 * Items come in batches. `commit`, when present, acknowledges the batch at the provider (Polar's
 * transaction PUT); the engine calls it only after the batch is stored, so a crash in between
 * fetches the same items again instead of losing them.
 */
export interface RawBatch {
  items: RawItem[];
  commit?: () => Promise<void>;
  /**
   * Where a re-run of this window continues once this batch is stored (and committed): the engine
   * hands it back to fetch() when the window is delayed mid-way (rate budget spent), so a window
   * that needs more than one rate-limit period still finishes. Absent: the previous one holds.
   */
  resume?: Json;
  /**
   * Push providers: the provider accepted a request to push this window's data later (Garmin's
   * backfill answers 202). The run stays open until data of this type arrives through the
   * provider's deliveries (PushHandler) or this many seconds pass.
   */
  awaitPushSeconds?: number;
}

/** A window of local dates, both inclusive, as 'YYYY-MM-DD'. */
export interface SyncWindow {
  from: string;
  to: string;
}

/** Everything a fetcher or registration step needs to call the provider for one connection. */
export interface ConnectionContext {
  http: HttpClient;
  accessToken: string;
  /** Our user id (e.g. Polar's member-id). */
  userId: string;
  providerUserId: string | null;
  settings: ProviderSettings;
}

export interface DataTypeDefinition {
  name: string;
  /** Largest window one call may ask for; the engine splits longer ranges. */
  maxWindowDays: number;
  /** How far back the provider serves this type at all (null: no limit known). */
  maxHistoryDays: number | null;
  /** `resume`: the last stored batch's RawBatch.resume of an earlier, interrupted run of this window. */
  fetch(connection: ConnectionContext, window: SyncWindow, resume?: Json): AsyncIterable<RawBatch>;
  /**
   * The named records (providerRecordIds a webhook event announced), for providers whose
   * deliveries name a changed record but no date (WHOOP): a webhook upsert event with a
   * providerRecordId of a type that has fetchById is fetched by id instead of by window. A record
   * the provider no longer has is simply not yielded.
   */
  fetchById?(connection: ConnectionContext, ids: string[]): AsyncIterable<RawBatch>;
  /** Pure: raw payload -> normalized records, or a reasoned skip. */
  map(payload: unknown): MapOutcome;
}

export interface WebhookEvent {
  providerUserId: string;
  /** Matches a DataTypeDefinition.name. */
  dataType: string;
  /** revoke: the user withdrew our access at the provider (the connection becomes REVOKED and stops syncing). */
  action: 'upsert' | 'delete' | 'revoke';
  /**
   * The changed object, when the provider names it: a delete removes the record with this id; an
   * upsert of a data type with fetchById fetches it by id (else the event's window is fetched).
   */
  providerRecordId?: string;
  /** The local date the change concerns, when the provider names it. */
  date?: string;
  /** Stable across re-deliveries of the same event, for de-duplication. */
  deliveryKey: string;
}

export type WebhookVerdict =
  | { kind: 'rejected'; status: 400 | 401; reason: string }
  | { kind: 'ping' }
  | { kind: 'events'; events: WebhookEvent[]; ignored: string[] };

export interface WebhookHandler {
  /**
   * Where handle()'s `secret` comes from: the stored registration's secret (default; Polar, Oura),
   * or the app's configured client secret, for providers that sign with it and have no
   * registration API (WHOOP).
   */
  secret?: 'registration' | 'clientSecret';
  /**
   * Checks the signature (constant time) and parses the delivery. Never throws for bad input.
   * `registration`: this deployment's stored webhook registration (null: none), for providers whose
   * deliveries are not signed but name the subscription (Strava's subscription_id).
   */
  handle(request: { rawBody: Buffer; headers: Headers }, secret: string | null, registration?: { externalId: string } | null): WebhookVerdict;
  /** GET on the webhook URL: the provider's ownership challenge (Oura), if it has one. */
  answerChallenge?(query: URLSearchParams, settings: ProviderSettings): { status: number; body: unknown };
}

/** What one element of a push delivery means (PushHandler.entry). */
export type PushedEntry =
  /** A record to store and map, as if fetched. */
  | { kind: 'item'; providerUserId: string; item: RawItem }
  /** Ping mode: the data is at `url`, to GET once with the user's token (PushHandler.fetchPushed). */
  | { kind: 'fetch'; providerUserId: string; dataType: string; url: string; meta: Json }
  /** The user withdrew the authorization at the provider: the connection is revoked. */
  | { kind: 'revoke'; providerUserId: string; reason: string }
  /** The user changed what they share: the connection's scopes, and a line for people when something is off. */
  | { kind: 'permissions'; providerUserId: string; scopes: string[]; note: string | null }
  | { kind: 'ignored'; reason: string };

/**
 * A provider that pushes its data in the webhook body (Garmin) instead of announcing changes to
 * fetch. Deliveries come to /webhooks/<slug>/<secret path segment> (ProviderDeclaration
 * .webhookPathSecret), are authenticated before their body is read, streamed into storage
 * (src/sync/push-intake.ts) and answered 200; a job splits each top-level array into elements,
 * hands them to entry() and stores the items for the users it knows.
 */
export interface PushHandler {
  /** Largest delivery accepted, in bytes (the body is streamed to storage, never held whole). */
  maxBodyBytes: number;
  /** Checks a delivery's headers against the side's settings before the body is read. Never throws. */
  authenticate(headers: Headers, settings: ProviderSettings): { ok: true } | { ok: false; reason: string };
  /** Pure: one element of the delivery's top-level array `key`. */
  entry(key: string, element: unknown): PushedEntry;
  /** Ping mode: GETs `url` once and returns the items it holds. */
  fetchPushed?(connection: ConnectionContext, entry: Extract<PushedEntry, { kind: 'fetch' }>): Promise<RawItem[]>;
}

/** What a provider's webhook registration API answered. */
export interface WebhookRegistration {
  externalId: string;
  url: string;
  events: string[];
  /** Signature secret, when the provider hands one out (Polar); stored encrypted. */
  secret: string | null;
}

/** Registration of this deployment's webhook endpoint at the provider (client credentials). */
export interface WebhookRegistrar {
  /** Creates the webhook, or updates the existing one to `url`. */
  register(context: { http: HttpClient; settings: ProviderSettings; url: string; existing: { externalId: string } | null }): Promise<WebhookRegistration>;
  unregister(context: { http: HttpClient; settings: ProviderSettings; externalId: string }): Promise<void>;
}

export interface TokenResult {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
  providerUserId: string | null;
}

/** What src/sandbox/runtime.ts hands every simulator factory. */
export interface SimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** SANDBOX_SEED. */
  seed: number;
  /** Days of generated history. */
  days: number;
  /** The only redirect_uri values the authorize endpoint accepts (this deployment's OAuth callback). */
  redirectUris: string[];
  /** Sandbox mode, with the only URL the simulator may call back (this deployment's webhook route). */
  sandbox: SandboxMode;
}

/** A running simulator: its loopback base URL. */
export interface RunningSimulator {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * What a provider declares as data, so that the configuration (src/config.ts), the sandbox
 * (src/sandbox/runtime.ts), the banner and the priority lists need no edit for a new provider.
 */
export interface ProviderDeclaration {
  id: Provider;
  /** URL-safe name: /oauth/<slug>/callback, /webhooks/<slug>, /sandbox/<slug>. */
  slug: string;
  displayName: string;
  /**
   * Prefix of its variables: <PREFIX>_CLIENT_ID, <PREFIX>_CLIENT_SECRET, <PREFIX>_AUTHORIZATION_URL,
   * <PREFIX>_TOKEN_URL, <PREFIX>_API_URL, plus <PREFIX>_<env> of each extra setting.
   */
  envPrefix: string;
  /** The real provider's endpoints, the defaults of <PREFIX>_AUTHORIZATION_URL, _TOKEN_URL and _API_URL. */
  endpoints: { authorizationUrl: string; tokenUrl: string; apiUrl: string };
  /** Everything of the OAuth settings but the endpoints. */
  oauth: Omit<OAuthSettings, 'authorizationUrl' | 'tokenUrl'>;
  /** Further settings: key -> variable suffix (`secret`: the value is kept out of logs). */
  extraSettings?: Readonly<Record<string, { env: string; secret?: boolean }>>;
  /**
   * Deliveries must come to /webhooks/<slug>/<secret>: the secret is the extra setting
   * `webhookPathSecret` (the real provider's side) or one derived from the sandbox's token secret
   * (the simulator's side), compared in constant time. For providers that do not sign deliveries.
   */
  webhookPathSecret?: boolean;
  /** Rank per data type in the Day.primary* choice when PROVIDER_PRIORITY_* leaves it out (lower first; ties in registry order). */
  priority: Readonly<Record<PriorityDataType, number>>;
  /** Its simulator (src/sandbox/<slug>/): the endpoints' paths there and a factory, loaded only when the sandbox starts. */
  simulator: {
    authorizationPath: string;
    tokenPath: string;
    /** Path of the API base on the simulator (Strava: /api/v3, WHOOP: /developer, their real bases' paths); default: its root. */
    apiPath?: string;
    start(options: SimulatorOptions): Promise<RunningSimulator>;
  };
}

export interface ProviderAdapter extends ProviderDeclaration {
  /**
   * The provider's endpoints and credentials. Without `mode`: what a new connection uses (the real
   * provider when configured, else the sandbox simulator unless SANDBOX=false); with it: that side,
   * for an existing connection (Connection.sandbox).
   */
  settings(config: Config, mode?: SettingsMode): ProviderSettings;
  /** Provider-specific reading of the token response (e.g. Polar's x_user_id). */
  providerUserIdFromToken?(tokenResponse: Record<string, unknown>): string | null;
  /**
   * Called once after the token exchange (Polar: register the user). `scopes`, when given, replace
   * the token's (Garmin: the user's permissions); `note` is shown on the connection (what the user
   * did not share).
   */
  register?(connection: ConnectionContext): Promise<{ providerUserId: string | null; scopes?: string[]; note?: string | null }>;
  /** Called on disconnect (Polar: de-register the user). */
  deregister?(connection: ConnectionContext): Promise<void>;
  dataTypes: DataTypeDefinition[];
  webhooks?: WebhookHandler;
  webhookRegistrar?: WebhookRegistrar;
  /** A push provider: its data arrives in webhook deliveries; it is never polled (no periodic sync). */
  push?: PushHandler;
  /** Reads the provider's rate-limit headers (src/providers/rate-limit.ts) for the app-wide budget. */
  rateLimit?: RateLimitReader;
}

/**
 * A provider with no cloud API (Apple Health, Health Connect, Samsung Health): the data lives on
 * the user's phone, so there is no OAuth, no fetch window and no simulator to call. Its records
 * arrive through the push contract (src/ingest/, POST /ingest/v1/<slug>, a SELF_INGEST user token)
 * or an export file, are kept as raw payloads like fetched ones, and are mapped by `dataTypes`
 * (replayable with `npm run cli -- replay`). Its Connection row (created on the first push) has
 * no tokens and is never scheduled for a sync.
 */
export interface DeviceProvider {
  id: Provider;
  /** URL-safe name: /ingest/v1/<slug>. */
  slug: string;
  displayName: string;
  delivery: 'device';
  /** Rank per data type in the Day.primary* choice when PROVIDER_PRIORITY_* leaves it out (lower first; ties in registry order, after the cloud providers). */
  priority: Readonly<Record<PriorityDataType, number>>;
  /** The record types it maps (the platform's own names: HKQuantityTypeIdentifierStepCount, StepsRecord, STEPS); others are kept raw. */
  dataTypes: readonly string[];
  /**
   * Pure: one pushed record (its platform type and JSON) -> normalized records, or a reasoned skip.
   * Also maps an import's bundle (src/providers/bundle.ts: dataType "bundle:<type>", many records
   * of one type in one raw payload) record by record: wrap the per-record mapper in withBundles().
   */
  map(dataType: string, payload: unknown): MapOutcome;
}

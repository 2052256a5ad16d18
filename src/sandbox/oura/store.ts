/** In-memory state of the Oura fake: client, users, tokens, codes, subscriptions, logs. */
import { randomBytes } from 'node:crypto';
import type { RequestLogEntry } from '../shared/http.js';
import { issueSandboxToken, verifySandboxToken, type SandboxMode } from '../tokens.js';
import { generateUserData, hashSeed, mulberry32, uuidFrom } from './data.js';
import type { UserData } from './types.js';
import { formatUtcOffset } from './time.js';

export type { RequestLogEntry };

export interface FakeUser {
  ouraUserId: string;
  index: number;
  data: UserData;
}

export interface AccessTokenRecord {
  token: string;
  ouraUserId: string;
  clientId: string;
  scopes: string[];
  /** Fake-clock ms. */
  expiresAt: number;
  /** Set by expireAccessTokens(). */
  expired: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  ouraUserId: string;
  clientId: string;
  scopes: string[];
  /** active -> used (rotated away) or revoked. */
  status: 'active' | 'used' | 'revoked';
  /** The access token issued together with this refresh token. */
  accessToken: string;
}

export interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string | null;
  ouraUserId: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface SubscriptionRecord {
  id: string;
  callback_url: string;
  verification_token: string;
  event_type: string;
  data_type: string;
  /** Fake-clock ms. */
  expiresAt: number;
}

export interface DeliveryLogEntry {
  url: string;
  /** 0 = unreachable. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StoreConfig {
  clientId: string;
  clientSecret: string;
  seed: number;
  days: number;
  today: string;
  timeZoneOffsetMinutes: number;
  accessTokenTtlSeconds: number;
  redirectUris: string[] | null;
  pageSize: number;
  heartRatePageSize: number;
  subscriptionTtlDays: number;
  /** Sandbox mode (the gateway's simulator): consent page, per-login-hint users, self-verifying tokens. */
  sandbox: SandboxMode | null;
}

/** Scopes a token restored after a restart carries (what the gateway asks for). */
const RESTORED_SCOPES = ['personal', 'daily', 'heartrate', 'workout', 'session', 'spo2', 'stress', 'heart_health'];

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

export class OuraStore {
  apiUrl = '';
  today: string;
  clockOffsetMs = 0;
  readonly users = new Map<string, FakeUser>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly requests: RequestLogEntry[] = [];
  readonly deliveries: DeliveryLogEntry[] = [];
  denyNext = 0;
  nextGrantedScopes: string[] | null = null;
  nextAuthorization: { ouraUserId?: string; timeZoneOffsetMinutes?: number } | null = null;
  private userCount = 0;

  constructor(readonly config: StoreConfig) {
    this.today = config.today;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  nowIso(): string {
    return formatUtcOffset(this.now());
  }

  /** Deterministic id of the n-th user (1-based) for this seed. */
  userIdFor(index: number): string {
    return uuidFrom(mulberry32(hashSeed(this.config.seed, 'oura-user', index)));
  }

  createUser(options: { ouraUserId?: string; timeZoneOffsetMinutes?: number } = {}): FakeUser {
    if (options.ouraUserId) {
      const existing = this.users.get(options.ouraUserId);
      if (existing) return existing;
    }
    const index = ++this.userCount;
    const ouraUserId = options.ouraUserId ?? this.userIdFor(index);
    const user: FakeUser = {
      ouraUserId,
      index,
      data: generateUserData({
        seed: this.config.seed,
        ouraUserId,
        index,
        today: this.config.today,
        days: this.config.days,
        timeZoneOffsetMinutes: options.timeZoneOffsetMinutes ?? this.config.timeZoneOffsetMinutes,
      }),
    };
    this.users.set(ouraUserId, user);
    return user;
  }

  issueTokens(ouraUserId: string, clientId: string, scopes: string[]): { access: AccessTokenRecord; refresh: RefreshTokenRecord } {
    const sandbox = this.config.sandbox;
    const access: AccessTokenRecord = {
      token: sandbox ? issueSandboxToken(sandbox, ouraUserId, 'a') : randomToken(),
      ouraUserId,
      clientId,
      scopes: [...scopes],
      expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000,
      expired: false,
    };
    const refresh: RefreshTokenRecord = { token: sandbox ? issueSandboxToken(sandbox, ouraUserId, 'r') : randomToken(), ouraUserId, clientId, scopes: [...scopes], status: 'active', accessToken: access.token };
    this.accessTokens.set(access.token, access);
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  /** Deterministic Oura user id for a sandbox login hint (the gateway's user id). */
  userIdForHint(hint: string): string {
    return uuidFrom(mulberry32(hashSeed(this.config.seed, 'oura-sandbox-user', hint)));
  }

  /**
   * Sandbox mode: an access token this simulator issued before a restart (it verifies) is taken
   * back, with its user re-created from the seed and every scope granted. Otherwise undefined.
   */
  restoreAccessToken(token: string): AccessTokenRecord | undefined {
    const ouraUserId = this.config.sandbox ? verifySandboxToken(this.config.sandbox, token, 'a') : null;
    if (!ouraUserId) return undefined;
    this.createUser({ ouraUserId });
    const rec: AccessTokenRecord = {
      token,
      ouraUserId,
      clientId: this.config.clientId,
      scopes: [...RESTORED_SCOPES],
      expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000,
      expired: false,
    };
    this.accessTokens.set(token, rec);
    return rec;
  }

  /** Sandbox mode: the same for a refresh token (still single-use from now on). */
  restoreRefreshToken(token: string): RefreshTokenRecord | undefined {
    const ouraUserId = this.config.sandbox ? verifySandboxToken(this.config.sandbox, token, 'r') : null;
    if (!ouraUserId) return undefined;
    this.createUser({ ouraUserId });
    const rec: RefreshTokenRecord = { token, ouraUserId, clientId: this.config.clientId, scopes: [...RESTORED_SCOPES], status: 'active', accessToken: '' };
    this.refreshTokens.set(token, rec);
    return rec;
  }

  accessTokenValid(rec: AccessTokenRecord): boolean {
    return !rec.expired && this.now() < rec.expiresAt;
  }
}

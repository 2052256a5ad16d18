/** In-memory state of the WHOOP simulator: client, users, tokens, codes, rate-limit counters, logs. */
import { randomBytes } from 'node:crypto';
import type { RequestLogEntry } from '../shared/http.js';
import { issueSandboxToken, verifySandboxToken, type SandboxMode } from '../tokens.js';
import { generateUserData, whoopUserIdFor, type WhoopUserData } from './data.js';

export type { RequestLogEntry };

/** Every scope WHOOP knows; `offline` is what makes the token endpoint hand out a refresh token. */
export const WHOOP_SCOPES = ['offline', 'read:recovery', 'read:cycles', 'read:workout', 'read:sleep', 'read:profile', 'read:body_measurement'] as const;

export interface AccessTokenRecord {
  token: string;
  userId: number;
  scopes: string[];
  /** Fake-clock ms. */
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  userId: number;
  scopes: string[];
  /** active -> used (rotated away) or revoked (access revoked, DELETE /v2/user/access). */
  status: 'active' | 'used' | 'revoked';
}

export interface CodeRecord {
  userId: number;
  redirectUri: string | null;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface DeliveryLogEntry {
  url: string;
  /** 0: unreachable. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface WhoopStoreConfig {
  clientId: string;
  clientSecret: string;
  seed: number;
  days: number;
  today: string;
  offsetMinutes: number;
  accessTokenTtlSeconds: number;
  redirectUris: string[] | null;
  /** Requests per minute and per day of the client (WHOOP's defaults: 100 and 10,000). */
  perMinute: number;
  perDay: number;
  /** Length of the short window (60: WHOOP's minute; tests shorten it, as Strava's periods are). */
  minuteWindowSeconds: number;
  sandbox: SandboxMode | null;
}

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('base64url');

export class WhoopStore {
  today: string;
  clockOffsetMs = 0;
  readonly users = new Map<number, WhoopUserData>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly requests: RequestLogEntry[] = [];
  readonly deliveries: DeliveryLogEntry[] = [];
  /** Users whose access was revoked by DELETE /v2/user/access. */
  readonly revokedUsers = new Set<number>();
  nextUser: { userId?: number; offsetMinutes?: number } | null = null;
  private userCount = 0;
  private minute = { start: 0, used: 0 };
  private day = { start: 0, used: 0 };

  constructor(readonly config: WhoopStoreConfig) {
    this.today = config.today;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** The user with this id, generated on first use. */
  createUser(options: { userId?: number; offsetMinutes?: number } = {}): WhoopUserData {
    const userId = options.userId ?? whoopUserIdFor(this.config.seed, ++this.userCount);
    const existing = this.users.get(userId);
    if (existing) return existing;
    const data = generateUserData({ seed: this.config.seed, userId, today: this.today, days: this.config.days, offsetMinutes: options.offsetMinutes ?? this.config.offsetMinutes });
    this.users.set(userId, data);
    return data;
  }

  issueTokens(userId: number, scopes: string[]): { access: AccessTokenRecord; refresh: RefreshTokenRecord | null } {
    const sandbox = this.config.sandbox;
    const access: AccessTokenRecord = {
      token: sandbox ? issueSandboxToken(sandbox, userId, 'a') : randomToken(),
      userId,
      scopes: [...scopes],
      expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000,
      revoked: false,
    };
    this.accessTokens.set(access.token, access);
    this.revokedUsers.delete(userId);
    if (!scopes.includes('offline')) return { access, refresh: null };
    const refresh: RefreshTokenRecord = { token: sandbox ? issueSandboxToken(sandbox, userId, 'r') : randomToken(), userId, scopes: [...scopes], status: 'active' };
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  /** Sandbox mode: a token issued before a restart verifies and is taken back with every scope. */
  restore(token: string, kind: 'a' | 'r'): AccessTokenRecord | RefreshTokenRecord | undefined {
    const id = this.config.sandbox ? verifySandboxToken(this.config.sandbox, token, kind) : null;
    if (!id || !/^\d+$/.test(id)) return undefined;
    const userId = Number(id);
    this.createUser({ userId });
    const scopes = [...WHOOP_SCOPES];
    if (kind === 'a') {
      const rec: AccessTokenRecord = { token, userId, scopes, expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000, revoked: false };
      this.accessTokens.set(token, rec);
      return rec;
    }
    const rec: RefreshTokenRecord = { token, userId, scopes, status: 'active' };
    this.refreshTokens.set(token, rec);
    return rec;
  }

  /** Revokes every token of the user (DELETE /v2/user/access). */
  revokeUser(userId: number): void {
    for (const t of this.accessTokens.values()) if (t.userId === userId) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.userId === userId && t.status === 'active') t.status = 'revoked';
    this.revokedUsers.add(userId);
  }

  /**
   * Counts one API request against the client's minute and day windows (fixed windows on the
   * fake clock). Returns whether it may be served, and the headers WHOOP sends either way.
   */
  countRequest(): { allowed: boolean; headers: Record<string, string> } {
    const now = this.now();
    const windowMs = this.config.minuteWindowSeconds * 1000;
    const minuteStart = Math.floor(now / windowMs) * windowMs;
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    if (this.minute.start !== minuteStart) this.minute = { start: minuteStart, used: 0 };
    if (this.day.start !== dayStart) this.day = { start: dayStart, used: 0 };
    const { perMinute, perDay } = this.config;
    const allowed = this.minute.used < perMinute && this.day.used < perDay;
    if (allowed) {
      this.minute.used++;
      this.day.used++;
    }
    const minuteLeft = perMinute - this.minute.used;
    const dayLeft = perDay - this.day.used;
    // The headers describe the window closest to running out.
    const tight = minuteLeft <= dayLeft ? { limit: perMinute, left: minuteLeft, reset: minuteStart + windowMs } : { limit: perDay, left: dayLeft, reset: dayStart + 86_400_000 };
    return {
      allowed,
      headers: {
        'X-RateLimit-Limit': `${tight.limit}, ${perMinute};window=${this.config.minuteWindowSeconds}, ${perDay};window=86400`,
        'X-RateLimit-Remaining': String(Math.max(0, tight.left)),
        'X-RateLimit-Reset': String(Math.max(1, Math.ceil((tight.reset - now) / 1000))),
      },
    };
  }
}

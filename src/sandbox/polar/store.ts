/** In-memory state of the fake: client, users, tokens, codes, transactions, webhook. */
import { randomBytes } from 'node:crypto';
import type { RequestLogEntry } from '../shared/http.js';
import { issueSandboxToken, verifySandboxToken, type SandboxMode } from '../tokens.js';
import { generateUserData, SANDBOX_POLAR_USER_BASE, type UserData } from './data.js';
import { addDays, daysBetween, formatUtcMillis } from './time.js';

export type { RequestLogEntry };

export type TransactionKind = 'exercise' | 'activity' | 'physical';

export interface FakeUser {
  polarUserId: number;
  memberId: string | null;
  registered: boolean;
  registrationDate: string | null;
  data: UserData;
  /** Items already handed out by a committed transaction. */
  committed: { exercise: Set<string>; activity: Set<number>; physical: Set<number> };
}

export interface TokenRecord {
  token: string;
  polarUserId: number;
  revoked: boolean;
}

export interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string | null;
  polarUserId: number;
  expiresAt: number;
  used: boolean;
  issuedToken?: string;
}

export interface Transaction {
  id: number;
  kind: TransactionKind;
  polarUserId: number;
  /** Exercise hash ids, activity ids or physical-information ids. */
  items: Array<string | number>;
  committed: boolean;
}

export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  signature_secret_key: string;
  active: boolean;
}

export interface StoreConfig {
  clientId: string;
  clientSecret: string;
  seed: number;
  days: number;
  today: string;
  timeZoneOffsetMinutes: number;
  userTimeZoneOffsets: Record<number, number>;
  firstUserId: number;
  redirectUris: string[] | null;
  rateLimit: { shortTerm?: number; longTerm?: number; shortTermSeconds?: number };
  /** Sandbox mode (the gateway's simulator): consent page, per-login-hint users, self-verifying tokens. */
  sandbox: SandboxMode | null;
}

export const randomToken = (bytes = 24): string => randomBytes(bytes).toString('hex');

export class PolarStore {
  apiUrl = '';
  today: string;
  clockOffsetMs = 0;
  readonly users = new Map<number, FakeUser>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly transactions = new Map<number, Transaction>();
  webhook: WebhookRecord | null = null;
  readonly requests: RequestLogEntry[] = [];
  denyNext = 0;
  nextAuthorization: { polarUserId?: number; timeZoneOffsetMinutes?: number } | null = null;
  private nextUserId: number;
  private nextTransactionId = 1000;
  private rate = { shortStart: 0, shortCount: 0, longStart: 0, longCount: 0 };

  constructor(readonly config: StoreConfig) {
    this.today = config.today;
    this.nextUserId = config.firstUserId;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  createUser(options: { polarUserId?: number; timeZoneOffsetMinutes?: number } = {}): FakeUser {
    const polarUserId = options.polarUserId ?? this.nextUserId++;
    const existing = this.users.get(polarUserId);
    if (existing) return existing;
    const offset =
      options.timeZoneOffsetMinutes ?? this.config.userTimeZoneOffsets[polarUserId] ?? this.config.timeZoneOffsetMinutes;
    const user: FakeUser = {
      polarUserId,
      memberId: null,
      registered: false,
      registrationDate: null,
      data: generateUserData({
        seed: this.config.seed,
        polarUserId,
        apiUrl: this.apiUrl,
        today: this.config.today,
        days: this.config.days,
        timeZoneOffsetMinutes: offset,
        // A sandbox account made from a login hint: its id is SANDBOX_POLAR_USER_BASE + the person.
        person: this.config.sandbox && polarUserId >= SANDBOX_POLAR_USER_BASE ? polarUserId - SANDBOX_POLAR_USER_BASE : null,
      }),
      committed: { exercise: new Set(), activity: new Set(), physical: new Set() },
    };
    this.users.set(polarUserId, user);
    return user;
  }

  issueToken(polarUserId: number): TokenRecord {
    const token = this.config.sandbox ? issueSandboxToken(this.config.sandbox, polarUserId) : randomToken();
    const rec: TokenRecord = { token, polarUserId, revoked: false };
    this.tokens.set(rec.token, rec);
    return rec;
  }

  /**
   * Sandbox mode: a token this simulator issued before a restart (it verifies) is taken back, with
   * its user re-created from the seed and registered again. Otherwise undefined.
   */
  restoreToken(token: string): TokenRecord | undefined {
    if (!this.config.sandbox) return undefined;
    const id = Number(verifySandboxToken(this.config.sandbox, token));
    if (!Number.isInteger(id) || id <= 0) return undefined;
    const user = this.createUser({ polarUserId: id });
    if (!user.registered) {
      user.registered = true;
      user.registrationDate = this.nowIso();
    }
    const rec: TokenRecord = { token, polarUserId: id, revoked: false };
    this.tokens.set(token, rec);
    return rec;
  }

  revokeTokensOf(polarUserId: number): void {
    for (const t of this.tokens.values()) if (t.polarUserId === polarUserId) t.revoked = true;
  }

  newTransaction(kind: TransactionKind, polarUserId: number, items: Array<string | number>): Transaction {
    const tx: Transaction = { id: this.nextTransactionId++, kind, polarUserId, items, committed: false };
    this.transactions.set(tx.id, tx);
    return tx;
  }

  registeredUserCount(): number {
    return [...this.users.values()].filter((u) => u.registered).length;
  }

  /** Counts one AccessLink request; returns the rate-limit headers and whether it is over the limit. */
  countRequest(): { headers: Record<string, string>; limited: boolean } {
    const now = this.now();
    const users = this.registeredUserCount();
    const shortLimit = this.config.rateLimit.shortTerm ?? 500 + users * 20;
    const longLimit = this.config.rateLimit.longTerm ?? 5000 + users * 100;
    const r = this.rate;
    const shortMs = (this.config.rateLimit.shortTermSeconds ?? 900) * 1000;
    if (!r.shortStart || now - r.shortStart >= shortMs) Object.assign(r, { shortStart: now, shortCount: 0 });
    if (!r.longStart || now - r.longStart >= 86_400_000) Object.assign(r, { longStart: now, longCount: 0 });
    r.longCount++;
    const limited = r.shortCount >= shortLimit || r.longCount > longLimit;
    if (!limited) r.shortCount++;
    const shortReset = Math.max(0, Math.ceil((r.shortStart + shortMs - now) / 1000));
    const longReset = Math.max(0, Math.ceil((r.longStart + 86_400_000 - now) / 1000));
    return {
      limited,
      headers: {
        'RateLimit-Usage': `${r.shortCount}, ${r.longCount}`,
        'RateLimit-Limit': `${shortLimit}, ${longLimit}`,
        'RateLimit-Reset': `${shortReset}, ${longReset}`,
      },
    };
  }

  /** Inclusive window of the last n days ending at `today`. */
  lastDays(n: number): { from: string; to: string } {
    return { from: addDays(this.today, -(n - 1)), to: this.today };
  }

  isTooOld(date: string): boolean {
    return daysBetween(date, this.today) > 365;
  }

  nowIso(): string {
    return formatUtcMillis(this.now());
  }
}

/** In-memory state of the Strava simulator: athletes and their activities, tokens, codes, the push subscription, rate-limit counters, logs. */
import { randomBytes } from 'node:crypto';
import type { RequestLogEntry } from '../shared/http.js';
import { issueSandboxToken, verifySandboxToken, type SandboxMode } from '../tokens.js';
import { athleteProfile, generateActivities, type AthleteProfile, type StravaActivity } from './data.js';
import { PERSON_MODULUS, sandboxPerson } from '../shared/person.js';

/** Sandbox athletes made from a login hint have this id plus the person number (src/sandbox/shared/person.ts). */
export const SANDBOX_ATHLETE_BASE = 1_000_000;

export interface RateLimitOptions {
  /** Requests per short / long period, all methods (Strava default 200 per 15 minutes, 2000 a day). */
  overall?: [number, number];
  /** GET requests per short / long period (default 100 and 1000). */
  read?: [number, number];
  /** Period lengths in seconds, aligned to the clock (default 900 and 86400). */
  periodsSeconds?: [number, number];
}

export interface StoreConfig {
  clientId: string;
  clientSecret: string;
  seed: number;
  days: number;
  today: string;
  accessTokenTtlSeconds: number;
  redirectUris: string[] | null;
  rateLimit: Required<RateLimitOptions>;
  sandbox: SandboxMode | null;
}

export interface Athlete {
  profile: AthleteProfile;
  activities: StravaActivity[];
  /** Sequence for activities added later (ids stay unique). */
  added: number;
}

export interface AccessToken {
  token: string;
  athleteId: number;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshToken {
  token: string;
  athleteId: number;
  scopes: string[];
  status: 'active' | 'used' | 'revoked';
}

export interface Code {
  athleteId: number;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

export interface Subscription {
  id: number;
  callback_url: string;
  verify_token: string;
  created_at: string;
}

export interface DeliveryLogEntry {
  url: string;
  status: number;
  body: Record<string, unknown>;
}

export const randomToken = (bytes = 20) => randomBytes(bytes).toString('hex');

export class StravaStore {
  readonly athletes = new Map<number, Athlete>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly codes = new Map<string, Code>();
  readonly requests: RequestLogEntry[] = [];
  readonly deliveries: DeliveryLogEntry[] = [];
  subscription: Subscription | null = null;
  nextSubscriptionId = 1;
  /** (overall|read):(period index):(window start ms) -> requests counted. */
  readonly usage = new Map<string, number>();
  /** Requests answered 429 by the rate limits. */
  rateLimited = 0;
  clockOffsetMs = 0;
  denyNext = 0;
  nextGrantedScopes: string[] | null = null;
  nextAthleteId: number | null = null;
  private nextIndex = 1;

  constructor(readonly config: StoreConfig) {}

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** The athlete with this id, generated on first use. */
  athlete(id: number): Athlete {
    let athlete = this.athletes.get(id);
    if (!athlete) {
      const profile = athleteProfile(this.config.seed, id);
      // A sandbox athlete made from a login hint: its id is SANDBOX_ATHLETE_BASE + the person.
      const person = this.config.sandbox && id >= SANDBOX_ATHLETE_BASE && id < SANDBOX_ATHLETE_BASE + PERSON_MODULUS ? id - SANDBOX_ATHLETE_BASE : null;
      athlete = { profile, activities: generateActivities(this.config.seed, profile, this.config.today, this.config.days, person), added: 0 };
      this.athletes.set(id, athlete);
    }
    return athlete;
  }

  /** A new athlete (or the one a sandbox login hint / setNextAthlete names). */
  athleteForAuthorization(loginHint: string | null): Athlete {
    if (this.nextAthleteId !== null) {
      const id = this.nextAthleteId;
      this.nextAthleteId = null;
      return this.athlete(id);
    }
    if (this.config.sandbox && loginHint) return this.athlete(SANDBOX_ATHLETE_BASE + sandboxPerson(loginHint));
    while (this.athletes.has(100_000 + this.nextIndex)) this.nextIndex++;
    return this.athlete(100_000 + this.nextIndex++);
  }

  findActivity(id: number): StravaActivity | undefined {
    for (const athlete of this.athletes.values()) {
      const found = athlete.activities.find((a) => a.id === id);
      if (found) return found;
    }
    return undefined;
  }

  issueTokens(athleteId: number, scopes: string[]): { access: AccessToken; refresh: RefreshToken } {
    const sandbox = this.config.sandbox;
    const access: AccessToken = {
      token: sandbox ? issueSandboxToken(sandbox, athleteId) : randomToken(),
      athleteId,
      scopes,
      expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000,
      revoked: false,
    };
    const refresh: RefreshToken = { token: sandbox ? issueSandboxToken(sandbox, athleteId, 'r') : randomToken(), athleteId, scopes, status: 'active' };
    this.accessTokens.set(access.token, access);
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  /** A token this store did not issue but the sandbox's token secret signed (the gateway restarted): taken back as granted with every scope. */
  restore(raw: string, kind: 'a' | 'r'): AccessToken | RefreshToken | undefined {
    const sandbox = this.config.sandbox;
    const id = sandbox ? verifySandboxToken(sandbox, raw, kind) : null;
    if (id === null) return undefined;
    const athleteId = Number(id);
    const scopes = ['read', 'activity:read', 'activity:read_all'];
    if (kind === 'a') {
      const token: AccessToken = { token: raw, athleteId, scopes, expiresAt: this.now() + this.config.accessTokenTtlSeconds * 1000, revoked: false };
      this.accessTokens.set(raw, token);
      return token;
    }
    const token: RefreshToken = { token: raw, athleteId, scopes, status: 'active' };
    this.refreshTokens.set(raw, token);
    return token;
  }

  /** Every token of the athlete stops working (deauthorization). */
  revokeAthlete(athleteId: number): void {
    for (const t of this.accessTokens.values()) if (t.athleteId === athleteId) t.revoked = true;
    for (const t of this.refreshTokens.values()) if (t.athleteId === athleteId) t.status = 'revoked';
  }

  /**
   * Counts one API request in every window that applies (overall, and read for GET) and says
   * whether it is over a limit; the headers Strava sends with every API answer.
   */
  countRequest(method: string): { limited: boolean; headers: Record<string, string> } {
    const { overall, read, periodsSeconds } = this.config.rateLimit;
    const now = this.now();
    const bump = (kind: string, counted: boolean) =>
      periodsSeconds.map((seconds, i) => {
        const key = `${kind}:${i}:${Math.floor(now / (seconds * 1000))}`;
        const used = (this.usage.get(key) ?? 0) + (counted ? 1 : 0);
        this.usage.set(key, used);
        return used;
      });
    const overallUsed = bump('overall', true);
    const readUsed = bump('read', method === 'GET');
    const limited = overallUsed.some((n, i) => n > overall[i]) || (method === 'GET' && readUsed.some((n, i) => n > read[i]));
    if (limited) this.rateLimited++;
    return {
      limited,
      headers: {
        'X-RateLimit-Limit': overall.join(','),
        'X-RateLimit-Usage': overallUsed.join(','),
        'X-ReadRateLimit-Limit': read.join(','),
        'X-ReadRateLimit-Usage': readUsed.join(','),
      },
    };
  }
}

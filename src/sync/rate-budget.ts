/**
 * App-wide rate budgets. A provider's rate limit belongs to our client (application), not to a
 * user or a process, so the budget is kept in the database (RateBudget rows) where every worker and
 * replica sees the same one:
 *   - every response's rate-limit headers (the adapter's `rateLimit` reader) update the row;
 *   - a 429 blocks the key until its Retry-After;
 *   - before each request the row is asked: background work (backfills, periodic syncs) stops
 *     while a window has no more than RESERVE of its requests left, webhook-triggered work only
 *     when nothing is left, so webhooks go first;
 *   - a request that must wait throws RateBudgetWait; the engine re-queues the window for that
 *     instant, keeping what it fetched so far (src/sync/engine.ts).
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { ProviderRateLimitError, type HttpClient } from '../providers/http.js';
import type { RateLimitReader, RateWindow } from '../providers/rate-limit.js';

/** Share of each window kept for webhook-triggered work. */
export const RESERVE_FRACTION = 0.1;

/** interactive: webhook-triggered windows and user-facing calls (registration); background: backfills and periodic syncs. */
export type BudgetPriority = 'interactive' | 'background';

/** Raised before a request that the budget does not allow now; `until` is when it will. */
export class RateBudgetWait extends ProviderRateLimitError {
  constructor(
    readonly key: string,
    readonly until: Date,
  ) {
    super(`rate budget of ${key.split(':')[0]} spent: waiting until ${until.toISOString()}`, Math.max(0, until.getTime() - Date.now()));
  }
}

const reserveOf = (limit: number) => Math.ceil(limit * RESERVE_FRACTION);

/**
 * How long this process trusts what it last read or wrote while the budget is comfortably above
 * its reserve (twice the reserve left): a busy worker then asks the database about once a second
 * instead of before every request. Near the reserve every request asks.
 */
const TRUST_MS = 1000;

interface Known {
  remaining: number | null;
  limit: number | null;
  resetAt: Date | null;
  blockedUntil: Date | null;
  readAt: number;
  writtenAt: number;
}

export class RateBudgets {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => number = Date.now,
  ) {}

  private comfortable(entry: Known | undefined, now: number): boolean {
    if (!entry || now - entry.readAt > TRUST_MS) return false;
    if (entry.blockedUntil && entry.blockedUntil.getTime() > now) return false;
    if (entry.remaining === null || entry.limit === null || !entry.resetAt || entry.resetAt.getTime() <= now) return true;
    return entry.remaining > 2 * reserveOf(entry.limit);
  }

  /** When this request may go: null for now, else the instant the budget allows it. */
  async waitUntil(key: string, priority: BudgetPriority): Promise<Date | null> {
    const now = this.now();
    if (this.comfortable(this.known.get(key), now)) return null;
    const row = await this.prisma.rateBudget.findUnique({ where: { key } });
    this.known.set(key, { remaining: row?.remaining ?? null, limit: row?.limit ?? null, resetAt: row?.resetAt ?? null, blockedUntil: row?.blockedUntil ?? null, readAt: now, writtenAt: this.known.get(key)?.writtenAt ?? 0 });
    if (!row) return null;
    if (row.blockedUntil && row.blockedUntil.getTime() > now) return row.blockedUntil;
    if (row.resetAt && row.resetAt.getTime() > now && row.remaining !== null && row.limit !== null) {
      const floor = priority === 'interactive' ? 0 : reserveOf(row.limit);
      if (row.remaining <= floor) return row.resetAt;
    }
    return null;
  }

  /** Records what a response's headers said: the window with the least room above its reserve. */
  async observe(key: string, windows: RateWindow[]): Promise<void> {
    if (!windows.length) return;
    const tightest = windows.reduce((a, b) => (b.remaining - reserveOf(b.limit) < a.remaining - reserveOf(a.limit) ? b : a));
    const values = { remaining: tightest.remaining, limit: tightest.limit, resetAt: tightest.resetAt };
    const now = this.now();
    const entry = this.known.get(key);
    const next: Known = { ...values, blockedUntil: entry?.blockedUntil ?? null, readAt: now, writtenAt: entry?.writtenAt ?? 0 };
    // Written when it matters to the others: near the reserve, or at most once a second.
    if (!this.comfortable(next, now) || now - next.writtenAt > TRUST_MS) {
      await this.prisma.rateBudget.upsert({ where: { key }, create: { key, ...values }, update: values });
      next.writtenAt = now;
    }
    this.known.set(key, next);
  }

  /** A 429: nothing goes out under this key before `until`. */
  async block(key: string, until: Date): Promise<void> {
    this.known.delete(key);
    await this.prisma.$executeRaw`
      INSERT INTO "RateBudget" ("key", "blockedUntil", "updatedAt") VALUES (${key}, ${until}, now())
      ON CONFLICT ("key") DO UPDATE SET "blockedUntil" = GREATEST("RateBudget"."blockedUntil", EXCLUDED."blockedUntil"), "updatedAt" = now()`;
  }
}

/**
 * How long a 429 blocks the key: the provider's Retry-After when it sent one; otherwise the reset of
 * the spent windows its rate-limit headers describe (WHOOP's X-RateLimit-Reset, Strava's quarter
 * hour), and our own backoff only when the response says neither.
 */
export function blockedUntil(error: ProviderRateLimitError, now: number, read?: RateLimitReader): Date {
  const backoff = new Date(now + error.retryAfterMs);
  if (error.retryAfterFromProvider || !error.headers || !read) return backoff;
  const spent = (read(error.headers, now) ?? []).filter((w) => w.remaining === 0 && w.resetAt.getTime() > now);
  if (!spent.length) return backoff;
  return new Date(Math.max(...spent.map((w) => w.resetAt.getTime())));
}

/**
 * The HttpClient one window job uses: asks the budget before each request, feeds it the
 * rate-limit headers of each response and blocks the key on a 429 that outlived the retries.
 */
export function budgetedHttp(http: HttpClient, budgets: RateBudgets, options: { key: string; priority: BudgetPriority; read?: RateLimitReader; now?: () => number }): HttpClient {
  const now = options.now ?? Date.now;
  return {
    async request(req) {
      const until = await budgets.waitUntil(options.key, options.priority);
      if (until) throw new RateBudgetWait(options.key, until);
      try {
        const response = await http.request(req);
        const windows = options.read?.(response.headers, now());
        if (windows) await budgets.observe(options.key, windows);
        return response;
      } catch (error) {
        if (error instanceof ProviderRateLimitError && !(error instanceof RateBudgetWait)) {
          await budgets.block(options.key, blockedUntil(error, now(), options.read));
        }
        throw error;
      }
    },
  };
}

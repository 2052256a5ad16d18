import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { rateKeyOf, type Principal } from '../auth/principal.js';

/**
 * A token bucket per API key: `perMinute` requests a minute, refilled continuously, with a burst of
 * up to `perMinute`. Kept in this process's memory: with N replicas behind a load balancer a key
 * may make up to N x perMinute requests; restart resets the buckets. Over the limit: HTTP 429 with
 * Retry-After (seconds until the next request is allowed) and a GraphQL-shaped error.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();
  private readonly ratePerMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one request from the key's bucket; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * this.ratePerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    this.prune(now);
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
  }

  /** Forgets full buckets now and then, so the map does not grow with every key ever seen. */
  private prune(now: number) {
    if (this.buckets.size < 10_000) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updated) * this.ratePerMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}

export function rateLimited(retryAfterSeconds: number, who = 'API key') {
  return createGraphQLError(`Rate limit exceeded for this ${who}: retry after ${retryAfterSeconds} s.`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } },
  });
}

/**
 * The per-principal limits of this server: API keys get `perMinute` each; user tokens get
 * `userPerMinute` per user (all of one user's tokens share a bucket), so one user's app cannot
 * starve the others nor the operator's backend. 0 = off. One instance serves every API on the
 * server (GraphQL and MCP), so a key's budget is one budget.
 */
export class PrincipalRateLimits {
  private readonly keys: RateLimiter | null;
  private readonly users: RateLimiter | null;

  constructor(options: { perMinute: number; userPerMinute?: number; now?: () => number }) {
    this.keys = options.perMinute > 0 ? new RateLimiter(options.perMinute, options.now) : null;
    const userPerMinute = options.userPerMinute ?? options.perMinute;
    this.users = userPerMinute > 0 ? new RateLimiter(userPerMinute, options.now) : null;
  }

  /** Takes one request from the principal's bucket: 0 when allowed, else the seconds to wait. */
  take(principal: Principal): number {
    const limiter = principal.kind === 'apiKey' ? this.keys : this.users;
    return limiter ? limiter.take(rateKeyOf(principal)) : 0;
  }
}

/** Must come after usePrincipalAuth (it reads the principal from the context). */
export function useRateLimit(options: { perMinute: number; userPerMinute?: number; now?: () => number; limits?: PrincipalRateLimits }): Plugin<{ principal?: Principal }> {
  const limits = options.limits ?? new PrincipalRateLimits(options);
  return {
    onContextBuilding({ context }) {
      const principal = context.principal;
      if (!principal) return;
      const wait = limits.take(principal);
      if (wait > 0) throw rateLimited(wait, principal.kind === 'apiKey' ? 'API key' : 'user');
    },
  };
}

/**
 * Readers of providers' rate-limit headers into windows the app-wide rate budget
 * (src/sync/rate-budget.ts) understands. Providers pick one in their adapter (`rateLimit`).
 */

/** One rate-limit window as the provider reported it on a response. */
export interface RateWindow {
  limit: number;
  /** Requests left in this window. */
  remaining: number;
  resetAt: Date;
}

/** Reads the headers of one response (null: no usable rate-limit headers). */
export type RateLimitReader = (headers: Headers, now: number) => RateWindow[] | null;

const numbers = (value: string | null): number[] | null => {
  if (value === null) return null;
  // "100, 100;window=60, 10000;window=86400": the numbers before any ';' parameters.
  const list = value.split(',').map((part) => Number(part.split(';')[0].trim()));
  return list.length && list.every((n) => Number.isFinite(n) && n >= 0) ? list : null;
};

/**
 * Comma-separated parallel lists, one entry per window (Polar: `RateLimit-Usage: 12, 300`,
 * `RateLimit-Limit: 500, 5000`, `RateLimit-Reset: 840, 86000`, resets in seconds from now).
 * Either `remaining` or `usage` names the header with what is left or what was used.
 */
export function commaSeparatedWindows(names: { limit: string; usage?: string; remaining?: string; resetSeconds: string }): RateLimitReader {
  return (headers, now) => {
    const limits = numbers(headers.get(names.limit));
    const used = names.usage ? numbers(headers.get(names.usage)) : null;
    const left = names.remaining ? numbers(headers.get(names.remaining)) : null;
    const resets = numbers(headers.get(names.resetSeconds));
    if (!limits || !resets || (!used && !left)) return null;
    const windows: RateWindow[] = [];
    for (let i = 0; i < Math.min(limits.length, resets.length); i++) {
      const remaining = left ? left[i] : limits[i] - (used as number[])[i];
      if (remaining === undefined || Number.isNaN(remaining)) continue;
      windows.push({ limit: limits[i], remaining: Math.max(0, remaining), resetAt: new Date(now + resets[i] * 1000) });
    }
    return windows.length ? windows : null;
  };
}

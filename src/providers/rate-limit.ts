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

/**
 * Reads the headers of one response (null: no usable rate-limit headers). `extras`: the provider's
 * extra settings (ProviderSettings.extras), for readers whose periods are configurable.
 */
export type RateLimitReader = (headers: Headers, now: number, extras?: Readonly<Record<string, string | null>>) => RateWindow[] | null;

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

/** The end of the clock-aligned period of `seconds` that contains `now` (900: the next quarter hour; 86400: the next midnight UTC). */
const periodEnd = (now: number, seconds: number): Date => new Date((Math.floor(now / (seconds * 1000)) + 1) * seconds * 1000);

/**
 * Usage counters over fixed, clock-aligned periods, with no reset header (Strava:
 * `X-RateLimit-Limit: 200,2000` and `X-RateLimit-Usage: 31,412` for a 15-minute window that resets
 * at the quarter hour and a daily one that resets at midnight UTC). Several header pairs may count
 * the same request (Strava's overall and read limits): every pair present yields its windows, and
 * the budget keeps the tightest. `periodsSetting` names an extra setting ("900,86400") that
 * overrides `periodsSeconds` (a Strava-compatible server with other periods, shortened in tests).
 */
export function alignedUsageWindows(options: { pairs: { limit: string; usage: string }[]; periodsSeconds: number[]; periodsSetting?: string }): RateLimitReader {
  return (headers, now, extras) => {
    const configured = options.periodsSetting ? numbers(extras?.[options.periodsSetting] ?? null) : null;
    const periods = configured?.every((n) => n > 0) ? configured : options.periodsSeconds;
    const windows: RateWindow[] = [];
    for (const pair of options.pairs) {
      const limits = numbers(headers.get(pair.limit));
      const used = numbers(headers.get(pair.usage));
      if (!limits || !used) continue;
      for (let i = 0; i < Math.min(limits.length, used.length, periods.length); i++) {
        windows.push({ limit: limits[i], remaining: Math.max(0, limits[i] - used[i]), resetAt: periodEnd(now, periods[i]) });
      }
    }
    return windows.length ? windows : null;
  };
}

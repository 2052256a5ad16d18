/**
 * Fault injection shared by the provider simulators. Rules are consumed in the order they were
 * added; each matches requests whose path starts with its pathPrefix. Without a prefix a rule
 * matches every path except the browser-facing authorization page (give that path as pathPrefix
 * to target it explicitly).
 */

export interface FailOptions {
  /** For 429 (or 503): adds `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
  pathPrefix?: string;
  /** Raw body to send instead of the default (e.g. 'not json' to test garbage handling). */
  body?: string;
  /** Content-Type for `body`; default application/json for 4xx, text/plain for 5xx. */
  contentType?: string;
}

export type FaultRule =
  | { kind: 'fail'; remaining: number; status: number; options: FailOptions; pathPrefix?: string }
  | { kind: 'reset'; remaining: number; pathPrefix?: string }
  | { kind: 'delay'; remaining: number; ms: number; pathPrefix?: string };

export interface SimulatorFaults {
  /** The next n matching requests answer `status` instead of being served. */
  failNext(n: number, status: number, options?: FailOptions): void;
  /** The next n matching requests get headers and part of a body, then the socket is destroyed. */
  resetConnectionNext(n: number, pathPrefix?: string): void;
  /** The next n matching requests are served normally after `ms` milliseconds. */
  delayNext(n: number, ms: number, pathPrefix?: string): void;
  /** Drops every pending rule. */
  clear(): void;
  /** Number of pending rule uses. */
  readonly pending: number;
}

export class FaultInjector implements SimulatorFaults {
  private rules: FaultRule[] = [];

  /** @param authorizationPath the consent page, exempt from prefix-less rules */
  constructor(private readonly authorizationPath: string) {}

  failNext(n: number, status: number, options: FailOptions = {}): void {
    this.rules.push({ kind: 'fail', remaining: n, status, options, pathPrefix: options.pathPrefix });
  }

  resetConnectionNext(n: number, pathPrefix?: string): void {
    this.rules.push({ kind: 'reset', remaining: n, pathPrefix });
  }

  delayNext(n: number, ms: number, pathPrefix?: string): void {
    this.rules.push({ kind: 'delay', remaining: n, ms, pathPrefix });
  }

  clear(): void {
    this.rules = [];
  }

  get pending(): number {
    return this.rules.reduce((s, r) => s + r.remaining, 0);
  }

  /** Consumes one use of the first matching rule of the given kinds. */
  take<K extends FaultRule['kind']>(kinds: K[], path: string): Extract<FaultRule, { kind: K }> | undefined {
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (kinds as string[]).includes(r.kind) &&
        (r.pathPrefix ? path.startsWith(r.pathPrefix) : path !== this.authorizationPath),
    );
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule as Extract<FaultRule, { kind: K }>;
  }
}

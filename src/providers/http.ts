/**
 * A small HTTP client for provider APIs on top of global fetch: per-attempt timeouts, retries with
 * exponential backoff and full jitter (429, 5xx, timeouts, network errors, bodies cut mid-stream),
 * and typed errors the sync engine can act on. Error messages name the method and the URL without
 * its query string; request headers (Authorization) never appear in errors or retry callbacks.
 */

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is, URLSearchParams as a form, anything else as JSON. */
  body?: string | URLSearchParams | object;
  timeoutMs?: number;
  /** Read a successful answer as bytes (HttpResponse.bytes; body stays ''), e.g. a FIT file. */
  binary?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The answer's bytes, for a `binary` request. */
  bytes?: Buffer;
  json<T>(): T;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  reason: 'rate_limited' | 'server_error' | 'timeout' | 'network_error';
  status?: number;
  method: string;
  /** The request URL without query string. */
  url: string;
}

export interface HttpClientOptions {
  fetch?: typeof fetch;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: RetryInfo) => void;
  /** Jitter source in [0, 1); Math.random by default. */
  random?: () => number;
}

export class ProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 401: the token is invalid or was revoked. Never retried. */
export class ProviderAuthError extends ProviderError {
  readonly status = 401;
}

/** 403: authenticated but not allowed (Polar: user not registered to this client). */
export class ProviderForbiddenError extends ProviderError {
  readonly status = 403;
}

/** 429 after the retries, or at once when the provider asks for a longer wait than maxDelayMs. */
export class ProviderRateLimitError extends ProviderError {
  readonly status = 429;
  constructor(
    message: string,
    /** How long to wait: the provider's Retry-After, or our own backoff suggestion when it gave none. */
    readonly retryAfterMs: number,
    /** The 429 response's headers (rate-limit windows the budget can read), when there was a response. */
    readonly headers?: Headers,
    /** True when `retryAfterMs` is the provider's Retry-After, false when it is our own backoff. */
    readonly retryAfterFromProvider = true,
  ) {
    super(message);
  }
}

/** Any other 4xx, or 5xx after the retries. */
export class ProviderHttpError extends ProviderError {
  constructor(
    message: string,
    readonly status: number,
    /** The start of the response body, for diagnostics. */
    readonly bodyExcerpt: string = '',
  ) {
    super(message);
  }
}

/** Timeouts and connection failures after the retries. */
export class ProviderNetworkError extends ProviderError {}

const BODY_EXCERPT_CHARS = 300;

/**
 * A provider API URL: `path` under `base`, keeping the base's own path prefix
 * (https://proxy.example/polar + /v3/users -> https://proxy.example/polar/v3/users).
 */
export function apiUrl(base: string, path: string, query?: Record<string, string>): string {
  const url = new URL(path.replace(/^\/+/, ''), `${base.replace(/\/+$/, '')}/`);
  if (query) for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * An absolute URL the provider handed out (Polar's transaction listings name its own host) as a
 * URL under our configured base: kept when it is already under the base, else its path and query
 * are put under the base. Tokens thus only ever go to the configured base, which may be a proxy
 * with a path prefix.
 */
export function underBase(base: string, absolute: string): string {
  const root = base.replace(/\/+$/, '');
  if (absolute === root || absolute.startsWith(`${root}/`) || absolute.startsWith(`${root}?`)) return absolute;
  const given = new URL(absolute);
  return apiUrl(root, `${given.pathname}${given.search}`);
}

/** Retry-After as delta-seconds or HTTP-date -> milliseconds (null when absent or unreadable). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function encodeBody(body: HttpRequest['body'], headers: Record<string, string>): string | URLSearchParams | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof URLSearchParams) return body;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  return JSON.stringify(body);
}

function makeResponse(status: number, headers: Headers, body: string, what: string): HttpResponse {
  return {
    status,
    headers,
    body,
    json<T>(): T {
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new ProviderHttpError(`${what} answered ${status} with a body that is not JSON`, status, body.slice(0, BODY_EXCERPT_CHARS));
      }
    },
  };
}

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; body: string; bytes?: Buffer }
  | { kind: 'timeout' }
  | { kind: 'network'; cause: unknown };

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const doFetch = options.fetch ?? globalThis.fetch;
  const maxRetries = options.maxRetries ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  const backoff = (retry: number): number =>
    Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1)));

  async function attempt(req: HttpRequest, headers: Record<string, string>, body: string | URLSearchParams | undefined): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.timeoutMs ?? defaultTimeoutMs);
    try {
      const res = await doFetch(req.url, { method: req.method, headers, body, signal: controller.signal, redirect: 'follow' });
      // Reading the body inside the try turns a connection reset mid-body into a network error.
      if (req.binary && res.ok) return { kind: 'response', status: res.status, headers: res.headers, body: '', bytes: Buffer.from(await res.arrayBuffer()) };
      const text = await res.text();
      return { kind: 'response', status: res.status, headers: res.headers, body: text };
    } catch (cause) {
      return timedOut ? { kind: 'timeout' } : { kind: 'network', cause };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async request(req) {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      const body = encodeBody(req.body, headers);
      const what = `${req.method.toUpperCase()} ${redactUrl(req.url)}`;

      for (let retry = 0; ; retry++) {
        const result = await attempt(req, headers, body);
        const canRetry = retry < maxRetries;
        let delayMs: number;
        let reason: RetryInfo['reason'];
        let status: number | undefined;

        if (result.kind === 'response') {
          status = result.status;
          const excerpt = result.body.slice(0, BODY_EXCERPT_CHARS);
          if ((status >= 200 && status < 300) || status === 404) {
            return { ...makeResponse(status, result.headers, result.body, what), ...(result.bytes ? { bytes: result.bytes } : {}) };
          }
          if (status === 401) throw new ProviderAuthError(`${what} answered 401: access token invalid or revoked`);
          if (status === 403) throw new ProviderForbiddenError(`${what} answered 403: forbidden`);
          if (status === 429 || status >= 500) {
            const retryAfterMs = parseRetryAfter(result.headers.get('retry-after'));
            if (status === 429 && retryAfterMs !== null && retryAfterMs > maxDelayMs) {
              throw new ProviderRateLimitError(`${what} answered 429; provider asks to wait ${retryAfterMs} ms`, retryAfterMs, result.headers);
            }
            if (!canRetry) {
              if (status === 429) {
                const wait = retryAfterMs ?? Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
                throw new ProviderRateLimitError(`${what} answered 429 after ${retry} retries`, wait, result.headers, retryAfterMs !== null);
              }
              throw new ProviderHttpError(`${what} answered ${status} after ${retry} retries`, status, excerpt);
            }
            delayMs = retryAfterMs !== null && retryAfterMs <= maxDelayMs ? retryAfterMs : backoff(retry + 1);
            reason = status === 429 ? 'rate_limited' : 'server_error';
          } else {
            throw new ProviderHttpError(`${what} answered ${status}`, status, excerpt);
          }
        } else {
          if (!canRetry) {
            if (result.kind === 'timeout') throw new ProviderNetworkError(`${what} timed out after ${retry} retries`);
            const message = result.cause instanceof Error ? result.cause.message : 'connection failed';
            throw new ProviderNetworkError(`${what} failed after ${retry} retries: ${message}`, { cause: result.cause });
          }
          delayMs = backoff(retry + 1);
          reason = result.kind === 'timeout' ? 'timeout' : 'network_error';
        }

        options.onRetry?.({ attempt: retry + 1, delayMs, reason, status, method: req.method.toUpperCase(), url: redactUrl(req.url) });
        await sleep(delayMs);
      }
    },
  };
}

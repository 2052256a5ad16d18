/** HTTP plumbing both simulators share; the provider-faithful parts (error bodies, content types, auth quirks) stay in each simulator's http.ts. */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Headers = Record<string, string | number>;

export function sendJsonAs(res: ServerResponse, contentType: string, status: number, body: unknown, headers: Headers = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Headers = {}): void {
  res.writeHead(status, { ...(status === 204 ? {} : { 'Content-Length': 0 }), ...headers });
  res.end();
}

export function sendTextAs(res: ServerResponse, status: number, text: string, contentType: string, headers: Headers = {}): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The two halves of a Basic credential as sent (not decoded further: providers differ there). */
export function splitBasicAuth(header: string | undefined): { id: string; secret: string } | null {
  if (!header) return null;
  const m = /^Basic\s+(\S+)$/i.exec(header.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return null;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1] : null;
}

export function parseJson(body: Buffer): unknown {
  if (!body.length) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A simulator's server on 127.0.0.1 (port 0 = any free one). A handler that throws answers 500
 * through `sendError` (or drops the connection if the answer had started).
 */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  sendError: (res: ServerResponse) => void,
  port = 0,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** One request as a simulator saw it (tests assert on what the gateway sent). */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** True when the fake cut the connection mid-body (resetConnectionNext). */
  aborted?: boolean;
}

export function isHttpUrl(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The authorization endpoint's first checks, the same at both providers: a known client_id and
 * a registered, well-formed redirect_uri (the first registered one when none is given). Answers
 * 400 itself and returns null when they fail: errors before a trusted redirect are not redirected.
 */
export function authorizationTarget(
  res: ServerResponse,
  query: URLSearchParams,
  client: { clientId: string; redirectUris: readonly string[] | null },
  sendText: (res: ServerResponse, status: number, text: string) => void,
): string | null {
  const clientId = query.get('client_id');
  if (!clientId || clientId !== client.clientId) {
    sendText(res, 400, 'invalid_request: unknown client_id');
    return null;
  }
  const allowed = client.redirectUris;
  const target = query.get('redirect_uri') ?? allowed?.[0] ?? null;
  if (!target || (allowed && !allowed.includes(target))) {
    sendText(res, 400, 'invalid_request: redirect_uri is not registered for this client');
    return null;
  }
  try {
    new URL(target);
  } catch {
    sendText(res, 400, 'invalid_request: malformed redirect_uri');
    return null;
  }
  return target;
}

/**
 * Performs a (headless) authorization request without following the redirect and returns the
 * Location header: the callback URL with code and state (or error) appended.
 */
export function followAuthorization(baseUrl: string, authorizationUrl: string, providerName: string): Promise<string> {
  const target = new URL(authorizationUrl, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { method: 'GET' }, (res) => {
      res.resume();
      const location = res.headers.location;
      if (res.statusCode !== 302 || !location) {
        reject(new Error(`${providerName} fake authorization answered ${res.statusCode} without a redirect`));
        return;
      }
      resolve(location);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a request's log entry (method, path, query, lower-cased headers) whose status is filled in when the answer's head is written. */
export function logRequest(req: IncomingMessage, res: ServerResponse, log: RequestLogEntry[]): { entry: RequestLogEntry; url: URL; method: string } {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const entry: RequestLogEntry = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, headers };
  log.push(entry);
  const writeHead = res.writeHead.bind(res);
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    entry.status = status;
    return (writeHead as (...a: unknown[]) => ServerResponse)(status, ...rest);
  }) as typeof res.writeHead;
  return { entry, url, method };
}

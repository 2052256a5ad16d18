/**
 * Webhook subscription API (client credentials in x-client-id /
 * x-client-secret headers), the verification challenge, and signed delivery
 * as Oura does it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parseJson, sendEmpty, sendJson, sendOuraError } from './http.js';
import { isHttpUrl } from '../shared/http.js';
import { callbackAllowed } from '../tokens.js';
import { route, type RequestContext, type Route } from './router.js';
import type { DeliveryLogEntry, OuraStore, SubscriptionRecord } from './store.js';
import { formatUtcOffset } from './time.js';

export const WEBHOOK_EVENT_TYPES = ['create', 'update', 'delete'] as const;
export const WEBHOOK_DATA_TYPES = [
  'tag',
  'enhanced_tag',
  'workout',
  'session',
  'sleep',
  'daily_sleep',
  'daily_readiness',
  'daily_activity',
  'daily_spo2',
  'sleep_time',
  'rest_mode_period',
  'ring_configuration',
  'daily_stress',
  'daily_resilience',
  'daily_cardiovascular_age',
  'vO2_max',
  'vo2_max',
] as const;

/** Upper-case hex HMAC-SHA256 of (timestamp + raw body) keyed by the client secret: the `x-oura-signature` value. */
export function signOuraWebhook(timestamp: string, rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(timestamp + rawBody, 'utf8').digest('hex').toUpperCase();
}

export interface WebhookEventInput {
  event_type: string;
  data_type: string;
  object_id: string;
  /** Oura user id (personal_info.id); looked up from object_id when omitted. */
  user_id?: string;
  /** Default: now on the fake's clock. */
  event_time?: string;
}

/** POSTs a signed delivery. Status 0 means the target could not be reached. */
export async function deliverSigned(
  url: string,
  payload: Record<string, unknown>,
  secret: string,
  timestamp: string,
): Promise<DeliveryLogEntry> {
  const raw = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    'x-oura-timestamp': timestamp,
    'x-oura-signature': signOuraWebhook(timestamp, raw, secret),
  };
  try {
    const res = await fetch(url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { url, status: res.status, headers, body: raw };
  } catch {
    return { url, status: 0, headers, body: raw };
  }
}

/**
 * The verification GET: `${callback_url}?verification_token=...&challenge=...`;
 * passes only with a 200 JSON `{"challenge": <challenge>}` echo (10 s timeout).
 */
export async function verifyCallback(callbackUrl: string, verificationToken: string): Promise<boolean> {
  const challenge = randomUUID();
  const url = new URL(callbackUrl);
  url.searchParams.set('verification_token', verificationToken);
  url.searchParams.set('challenge', challenge);
  try {
    const res = await fetch(url, { method: 'GET', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status !== 200) return false;
    const body = JSON.parse(text) as { challenge?: unknown };
    return body?.challenge === challenge;
  } catch {
    return false;
  }
}

function clientAuth(ctx: RequestContext): boolean {
  const id = ctx.req.headers['x-client-id'];
  const secret = ctx.req.headers['x-client-secret'];
  if (typeof id !== 'string' || typeof secret !== 'string' || !id || !secret) {
    sendOuraError(ctx.res, 401, 'Missing x-client-id or x-client-secret header');
    return false;
  }
  if (id !== ctx.store.config.clientId || secret !== ctx.store.config.clientSecret) {
    sendOuraError(ctx.res, 403, 'Invalid client credentials');
    return false;
  }
  return true;
}

export const view = (s: SubscriptionRecord) => ({
  id: s.id,
  callback_url: s.callback_url,
  event_type: s.event_type,
  data_type: s.data_type,
  expiration_time: formatUtcOffset(s.expiresAt),
});

/** FastAPI-style 422 body. */
function unprocessable(ctx: RequestContext, field: string, msg: string): void {
  sendJson(ctx.res, 422, { detail: [{ loc: ['body', field], msg, type: 'value_error' }] });
}

function validate(ctx: RequestContext, body: Record<string, unknown>, partial: boolean): boolean {
  if (typeof body.verification_token !== 'string' || !body.verification_token) {
    unprocessable(ctx, 'verification_token', 'field required');
    return false;
  }
  const checks: Array<[string, (v: unknown) => boolean, string]> = [
    ['callback_url', isHttpUrl, 'invalid or missing URL'],
    ['event_type', (v) => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(v), `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`],
    ['data_type', (v) => (WEBHOOK_DATA_TYPES as readonly unknown[]).includes(v), `must be one of ${WEBHOOK_DATA_TYPES.join(', ')}`],
  ];
  for (const [field, ok, msg] of checks) {
    if (partial && body[field] === undefined) continue;
    if (!ok(body[field])) {
      unprocessable(ctx, field, msg);
      return false;
    }
  }
  if (typeof body.callback_url === 'string' && !callbackAllowed(ctx.store.config.sandbox, body.callback_url)) {
    unprocessable(ctx, 'callback_url', `sandbox: must be this deployment's own ${ctx.store.config.sandbox?.webhookUrl}`);
    return false;
  }
  return true;
}

const expiry = (store: OuraStore) => store.now() + store.config.subscriptionTtlDays * 86_400_000;

function duplicateOf(store: OuraStore, s: Pick<SubscriptionRecord, 'callback_url' | 'event_type' | 'data_type'>, exceptId?: string) {
  return [...store.subscriptions.values()].find(
    (x) => x.id !== exceptId && x.callback_url === s.callback_url && x.event_type === s.event_type && x.data_type === s.data_type,
  );
}

async function createSubscription(ctx: RequestContext): Promise<void> {
  if (!clientAuth(ctx)) return;
  const body = parseJson(ctx.body);
  if (!body || typeof body !== 'object') return unprocessable(ctx, 'body', 'a JSON object is required');
  const b = body as Record<string, unknown>;
  if (!validate(ctx, b, false)) return;
  const candidate = { callback_url: b.callback_url as string, event_type: b.event_type as string, data_type: b.data_type as string };
  if (duplicateOf(ctx.store, candidate)) return sendOuraError(ctx.res, 409, 'A subscription with this callback_url, event_type and data_type already exists');
  if (!(await verifyCallback(candidate.callback_url, b.verification_token as string))) {
    return sendOuraError(ctx.res, 400, 'Verification of callback_url failed: it must answer 200 {"challenge": <challenge>}');
  }
  if (duplicateOf(ctx.store, candidate)) return sendOuraError(ctx.res, 409, 'A subscription with this callback_url, event_type and data_type already exists');
  const sub: SubscriptionRecord = {
    id: randomUUID(),
    ...candidate,
    verification_token: b.verification_token as string,
    expiresAt: expiry(ctx.store),
  };
  ctx.store.subscriptions.set(sub.id, sub);
  sendJson(ctx.res, 201, view(sub));
}

function listSubscriptions(ctx: RequestContext): void {
  if (!clientAuth(ctx)) return;
  sendJson(ctx.res, 200, [...ctx.store.subscriptions.values()].map(view));
}

function getSubscription(ctx: RequestContext, [id]: string[]): void {
  if (!clientAuth(ctx)) return;
  const sub = ctx.store.subscriptions.get(id);
  if (!sub) return sendOuraError(ctx.res, 404, 'Subscription not found');
  sendJson(ctx.res, 200, view(sub));
}

async function updateSubscription(ctx: RequestContext, [id]: string[]): Promise<void> {
  if (!clientAuth(ctx)) return;
  const sub = ctx.store.subscriptions.get(id);
  if (!sub) return sendOuraError(ctx.res, 404, 'Subscription not found');
  const body = parseJson(ctx.body);
  if (!body || typeof body !== 'object') return unprocessable(ctx, 'body', 'a JSON object is required');
  const b = body as Record<string, unknown>;
  if (!validate(ctx, b, true)) return;
  const next = {
    callback_url: (b.callback_url as string | undefined) ?? sub.callback_url,
    event_type: (b.event_type as string | undefined) ?? sub.event_type,
    data_type: (b.data_type as string | undefined) ?? sub.data_type,
  };
  if (duplicateOf(ctx.store, next, id)) return sendOuraError(ctx.res, 409, 'A subscription with this callback_url, event_type and data_type already exists');
  if (!(await verifyCallback(next.callback_url, b.verification_token as string))) {
    return sendOuraError(ctx.res, 400, 'Verification of callback_url failed');
  }
  Object.assign(sub, next, { verification_token: b.verification_token as string });
  sendJson(ctx.res, 200, view(sub));
}

async function renewSubscription(ctx: RequestContext, [id]: string[]): Promise<void> {
  if (!clientAuth(ctx)) return;
  const sub = ctx.store.subscriptions.get(id);
  if (!sub) return sendOuraError(ctx.res, 404, 'Subscription not found');
  if (!(await verifyCallback(sub.callback_url, sub.verification_token))) {
    return sendOuraError(ctx.res, 400, 'Verification of callback_url failed');
  }
  sub.expiresAt = expiry(ctx.store);
  sendJson(ctx.res, 200, view(sub));
}

function deleteSubscription(ctx: RequestContext, [id]: string[]): void {
  if (!clientAuth(ctx)) return;
  if (!ctx.store.subscriptions.delete(id)) return sendOuraError(ctx.res, 404, 'Subscription not found');
  sendEmpty(ctx.res, 204);
}

/** Unix seconds, as a string: the `x-oura-timestamp` value. */
export const webhookTimestamp = (store: OuraStore): string => String(Math.floor(store.now() / 1000));

export const webhookRoutes: Route[] = [
  route('POST', /^\/v2\/webhook\/subscription\/?$/, createSubscription),
  route('GET', /^\/v2\/webhook\/subscription\/?$/, listSubscriptions),
  route('PUT', /^\/v2\/webhook\/subscription\/renew\/([^/]+)$/, renewSubscription),
  route('GET', /^\/v2\/webhook\/subscription\/([^/]+)$/, getSubscription),
  route('PUT', /^\/v2\/webhook\/subscription\/([^/]+)$/, updateSubscription),
  route('DELETE', /^\/v2\/webhook\/subscription\/([^/]+)$/, deleteSubscription),
];

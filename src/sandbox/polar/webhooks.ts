/**
 * Client-level endpoints (Basic client credentials): webhooks and pull
 * notifications, plus signed webhook delivery as AccessLink does it.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { parseBasicAuth, parseJson, sendEmpty, sendJson, sendPolarError } from './http.js';
import { isHttpUrl } from '../shared/http.js';
import { callbackAllowed } from '../tokens.js';
import { route, type RequestContext, type Route } from './router.js';
import type { PolarStore, WebhookRecord } from './store.js';
import { hasPending } from './transactions.js';

export const WEBHOOK_EVENTS = [
  'EXERCISE',
  'SLEEP',
  'CONTINUOUS_HEART_RATE',
  'SLEEP_WISE_CIRCADIAN_BEDTIME',
  'SLEEP_WISE_ALERTNESS',
  'ACTIVITY_SUMMARY',
  'PHYSICAL_INFORMATION',
] as const;

/** Lower-case hex HMAC-SHA256 of the raw body keyed by the webhook's signature_secret_key. */
export function signWebhookBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex');
}

export interface DeliveryResult {
  status: number;
  body: string;
}

/** POSTs a signed JSON payload. Status 0 means the target could not be reached. */
export async function deliverSigned(url: string, payload: Record<string, unknown>, secret: string): Promise<DeliveryResult> {
  const raw = JSON.stringify(payload);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Polar-Webhook-Event': String(payload.event),
        'Polar-Webhook-Signature': signWebhookBody(raw, secret),
      },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** Fills in `timestamp` and the `url` AccessLink would put in a delivery for this event. */
export function completeEvent(store: PolarStore, event: WebhookEventInput): Record<string, unknown> {
  const base = store.apiUrl;
  let url: string | undefined;
  switch (event.event) {
    case 'EXERCISE':
      url = event.entity_id ? `${base}/v3/exercises/${event.entity_id}` : undefined;
      break;
    case 'SLEEP':
      url = event.date ? `${base}/v3/users/sleep/${event.date}` : undefined;
      break;
    case 'CONTINUOUS_HEART_RATE':
      url = event.date ? `${base}/v3/users/continuous-heart-rate/${event.date}` : undefined;
      break;
    case 'ACTIVITY_SUMMARY':
      url = event.date ? `${base}/v3/users/activities/${event.date}` : undefined;
      break;
  }
  return {
    ...event,
    timestamp: event.timestamp ?? new Date(store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(event.url === undefined && url ? { url } : {}),
  };
}

export interface WebhookEventInput {
  event: string;
  user_id: number;
  entity_id?: string;
  date?: string;
  timestamp?: string;
  url?: string;
  [key: string]: unknown;
}

function ping(store: PolarStore, url: string, secret: string): Promise<DeliveryResult> {
  return deliverSigned(url, { timestamp: new Date(store.now()).toISOString(), event: 'PING' }, secret);
}

function clientAuth(ctx: RequestContext): boolean {
  const creds = parseBasicAuth(ctx.req.headers.authorization);
  if (!creds || creds.id !== ctx.store.config.clientId || creds.secret !== ctx.store.config.clientSecret) {
    sendPolarError(ctx.res, 401, 'Invalid client credentials');
    return false;
  }
  return true;
}

const sandboxOnlyOwnUrl = (ctx: RequestContext) => `Sandbox: the webhook url must be this deployment's own ${ctx.store.config.sandbox?.webhookUrl}`;

function validEvents(events: unknown): events is string[] {
  return Array.isArray(events) && events.length > 0 && events.every((e) => (WEBHOOK_EVENTS as readonly string[]).includes(e));
}

const info = (w: WebhookRecord) => ({ id: w.id, events: [...w.events], url: w.url, active: w.active });

async function createWebhook(ctx: RequestContext): Promise<void> {
  if (!clientAuth(ctx)) return;
  const body = parseJson(ctx.body) as { events?: unknown; url?: unknown } | undefined;
  if (!body || !validEvents(body.events) || !isHttpUrl(body.url)) {
    return sendPolarError(ctx.res, 400, 'Webhook cannot be created: invalid events or url');
  }
  if (!callbackAllowed(ctx.store.config.sandbox, body.url)) return sendPolarError(ctx.res, 400, sandboxOnlyOwnUrl(ctx));
  if (ctx.store.webhook) return sendPolarError(ctx.res, 409, 'Webhook already exists');
  const secret = randomUUID();
  const result = await ping(ctx.store, body.url, secret);
  if (result.status !== 200) {
    return sendPolarError(ctx.res, 400, `Webhook cannot be created: ping to url answered ${result.status || 'nothing'}`);
  }
  if (ctx.store.webhook) return sendPolarError(ctx.res, 409, 'Webhook already exists');
  const webhook: WebhookRecord = {
    id: randomBytes(4).toString('hex'),
    url: body.url,
    events: [...new Set(body.events)],
    signature_secret_key: secret,
    active: true,
  };
  ctx.store.webhook = webhook;
  sendJson(ctx.res, 201, {
    data: { id: webhook.id, events: [...webhook.events], url: webhook.url, signature_secret_key: webhook.signature_secret_key },
  });
}

function getWebhook(ctx: RequestContext): void {
  if (!clientAuth(ctx)) return;
  sendJson(ctx.res, 200, { data: ctx.store.webhook ? [info(ctx.store.webhook)] : [] });
}

async function patchWebhook(ctx: RequestContext, [id]: string[]): Promise<void> {
  if (!clientAuth(ctx)) return;
  const webhook = ctx.store.webhook;
  if (!webhook || webhook.id !== id) return sendPolarError(ctx.res, 404, 'Webhook not found');
  const body = parseJson(ctx.body) as { events?: unknown; url?: unknown } | undefined;
  if (!body || (body.events === undefined && body.url === undefined)) {
    return sendPolarError(ctx.res, 400, 'Webhook cannot be updated: nothing to update');
  }
  if (body.events !== undefined && !validEvents(body.events)) return sendPolarError(ctx.res, 400, 'Invalid events');
  if (body.url !== undefined && !isHttpUrl(body.url)) return sendPolarError(ctx.res, 400, 'Invalid url');
  if (typeof body.url === 'string' && !callbackAllowed(ctx.store.config.sandbox, body.url)) return sendPolarError(ctx.res, 400, sandboxOnlyOwnUrl(ctx));
  if (typeof body.url === 'string' && body.url !== webhook.url) {
    const result = await ping(ctx.store, body.url, webhook.signature_secret_key);
    if (result.status !== 200) return sendPolarError(ctx.res, 400, 'Webhook cannot be updated: ping failed');
    webhook.url = body.url;
  }
  if (Array.isArray(body.events)) webhook.events = [...new Set(body.events as string[])];
  sendJson(ctx.res, 200, { data: [info(webhook)] });
}

function deleteWebhook(ctx: RequestContext, [id]: string[]): void {
  if (!clientAuth(ctx)) return;
  if (!ctx.store.webhook || ctx.store.webhook.id !== id) return sendPolarError(ctx.res, 404, 'Webhook not found');
  ctx.store.webhook = null;
  sendEmpty(ctx.res, 204);
}

async function activate(ctx: RequestContext): Promise<void> {
  if (!clientAuth(ctx)) return;
  const webhook = ctx.store.webhook;
  if (!webhook) return sendEmpty(ctx.res, 204);
  const result = await ping(ctx.store, webhook.url, webhook.signature_secret_key);
  if (result.status !== 200) return sendPolarError(ctx.res, 400, 'Activation failed: ping did not answer 200');
  webhook.active = true;
  sendEmpty(ctx.res, 200);
}

function deactivate(ctx: RequestContext): void {
  if (!clientAuth(ctx)) return;
  if (!ctx.store.webhook) return sendEmpty(ctx.res, 204);
  ctx.store.webhook.active = false;
  sendEmpty(ctx.res, 200);
}

/** GET /v3/notifications: which registered users have uncommitted transactional data. */
function notifications(ctx: RequestContext): void {
  if (!clientAuth(ctx)) return;
  const available: Array<Record<string, unknown>> = [];
  for (const user of ctx.store.users.values()) {
    if (!user.registered) continue;
    const base = `${ctx.store.apiUrl}/v3/users/${user.polarUserId}`;
    if (hasPending(user, 'exercise')) available.push({ 'user-id': user.polarUserId, 'data-type': 'EXERCISE', url: `${base}/exercise-transactions` });
    if (hasPending(user, 'activity')) available.push({ 'user-id': user.polarUserId, 'data-type': 'ACTIVITY_SUMMARY', url: `${base}/activity-transactions` });
    if (hasPending(user, 'physical'))
      available.push({ 'user-id': user.polarUserId, 'data-type': 'PHYSICAL_INFORMATION', url: `${base}/physical-information-transactions` });
  }
  if (!available.length) return sendEmpty(ctx.res, 204);
  sendJson(ctx.res, 200, { 'available-user-data': available });
}

export const clientRoutes: Route[] = [
  route('POST', /^\/v3\/webhooks\/?$/, createWebhook),
  route('GET', /^\/v3\/webhooks\/?$/, getWebhook),
  route('POST', /^\/v3\/webhooks\/activate$/, activate),
  route('POST', /^\/v3\/webhooks\/deactivate$/, deactivate),
  route('PATCH', /^\/v3\/webhooks\/([^/]+)$/, patchWebhook),
  route('DELETE', /^\/v3\/webhooks\/([^/]+)$/, deleteWebhook),
  route('GET', /^\/v3\/notifications\/?$/, notifications),
];

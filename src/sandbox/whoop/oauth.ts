/**
 * WHOOP's OAuth 2.0 server (an ORY Hydra): authorization code flow, client credentials in the
 * form body, `state` of at least 8 characters, refresh tokens only with the `offline` scope, and
 * refresh tokens that rotate (a used one is refused). Headless for tests: the authorization
 * endpoint redirects at once; in sandbox mode GET shows a consent page whose POST redirects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizationTarget, sendJsonAs, sendTextAs } from '../shared/http.js';
import { consentDenied, consentPage } from '../tokens.js';
import { randomToken, WHOOP_SCOPES, type WhoopStore } from './store.js';

export const AUTHORIZE_PATH = '/oauth/oauth2/auth';
export const TOKEN_PATH = '/oauth/oauth2/token';
export const CODE_TTL_MS = 10 * 60_000;
export const MIN_STATE_LENGTH = 8;

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => sendJsonAs(res, 'application/json', status, body, headers);
const sendText = (res: ServerResponse, status: number, text: string) => sendTextAs(res, status, text, 'text/plain; charset=utf-8');

function redirect(res: ServerResponse, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  res.writeHead(302, { Location: url.toString(), 'Content-Length': 0 });
  res.end();
}

export function authorization(store: WhoopStore, req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): void {
  const target = authorizationTarget(res, query, store.config, sendText);
  if (!target) return;
  const state = query.get('state');
  if (!state || state.length < MIN_STATE_LENGTH) {
    return redirect(res, target, { error: 'invalid_state', error_description: `The state is missing or has fewer than ${MIN_STATE_LENGTH} characters and is therefore considered too weak.`, state });
  }
  if (query.get('response_type') !== 'code') return redirect(res, target, { error: 'unsupported_response_type', state });
  const requested = [...new Set((query.get('scope') ?? '').split(/[\s+]+/).filter(Boolean))];
  const unknown = requested.filter((s) => !(WHOOP_SCOPES as readonly string[]).includes(s));
  if (unknown.length) return redirect(res, target, { error: 'invalid_scope', error_description: `The requested scope is invalid: ${unknown.join(' ')}`, state });
  if (store.config.sandbox && method === 'GET') {
    return sendTextAs(res, 200, consentPage({ provider: 'WHOOP', scopes: requested, redirectUri: target, color: '#111111', query }), 'text/html; charset=utf-8');
  }
  if (consentDenied(query)) return redirect(res, target, { error: 'access_denied', state });
  const next = store.nextUser;
  store.nextUser = null;
  const hint = store.config.sandbox ? query.get('login_hint') : null;
  const user = store.createUser({ userId: next?.userId ?? (hint ? whoopHintUser(store, hint) : undefined), offsetMinutes: next?.offsetMinutes });
  const code = randomToken(16);
  store.codes.set(code, { userId: user.profile.user_id, redirectUri: query.get('redirect_uri'), scopes: requested, expiresAt: store.now() + CODE_TTL_MS, used: false });
  redirect(res, target, { code, state, scope: requested.join(' ') });
}

/** Sandbox: the login hint (the gateway's user id) always yields the same simulated account. */
const whoopHintUser = (store: WhoopStore, hint: string) => 10_000 + (Buffer.from(hint).reduce((h, c) => (h * 31 + c) % 89_990_000, store.config.seed));

const tokenError = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description }, { 'Cache-Control': 'no-store' });

export function token(store: WhoopStore, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return tokenError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(body.toString('utf8'));
  // WHOOP's clients authenticate with client_secret_post: HTTP Basic is not accepted.
  if (req.headers.authorization || form.get('client_id') !== store.config.clientId || form.get('client_secret') !== store.config.clientSecret) {
    return tokenError(res, 401, 'invalid_client', 'Client authentication failed (client_secret_post)');
  }
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const rec = store.codes.get(form.get('code') ?? '');
    if (!rec || rec.used || store.now() > rec.expiresAt) return tokenError(res, 400, 'invalid_grant', 'The authorization code is invalid, used or expired');
    if (rec.redirectUri !== null && form.get('redirect_uri') !== rec.redirectUri) return tokenError(res, 400, 'invalid_grant', 'redirect_uri does not match');
    rec.used = true;
    return sendTokens(store, res, rec.userId, rec.scopes);
  }
  if (grant === 'refresh_token') {
    const raw = form.get('refresh_token') ?? '';
    const rec = store.refreshTokens.get(raw) ?? (store.restore(raw, 'r') as ReturnType<typeof store.refreshTokens.get>);
    if (!rec) return tokenError(res, 400, 'invalid_grant', 'Unknown refresh token');
    if (rec.status !== 'active') return tokenError(res, 400, 'invalid_grant', `The refresh token was ${rec.status === 'used' ? 'already used' : 'revoked'}`);
    rec.status = 'used';
    return sendTokens(store, res, rec.userId, rec.scopes);
  }
  tokenError(res, 400, 'unsupported_grant_type', `unsupported grant_type ${grant}`);
}

function sendTokens(store: WhoopStore, res: ServerResponse, userId: number, scopes: string[]): void {
  const { access, refresh } = store.issueTokens(userId, scopes);
  sendJson(
    res,
    200,
    {
      access_token: access.token,
      expires_in: store.config.accessTokenTtlSeconds,
      ...(refresh ? { refresh_token: refresh.token } : {}),
      scope: scopes.join(' '),
      token_type: 'bearer',
    },
    { 'Cache-Control': 'no-store' },
  );
}

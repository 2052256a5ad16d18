/**
 * Oura OAuth 2.0: authorization code flow with rotating refresh tokens.
 * For tests the authorization "page" is headless: it immediately redirects (302) to the
 * redirect_uri with code+state, or with error=access_denied when denied. In sandbox mode GET serves
 * a consent page with "Allow" and "Deny" buttons, whose POST (same URL; Deny adds deny=1) does that redirect.
 */
import { consentDenied, consentPage } from '../tokens.js';
import { authorizationTarget } from '../shared/http.js';
import { parseBasicAuth, sendJson, sendText } from './http.js';
import { route, type RequestContext, type Route } from './router.js';
import { randomToken } from './store.js';

export const CODE_TTL_MS = 10 * 60_000;

/** Scopes the fake knows. The first eight are Oura's classic set (the default when none is requested). */
export const OURA_SCOPES = ['email', 'personal', 'daily', 'heartrate', 'workout', 'tag', 'session', 'spo2', 'stress', 'heart_health', 'ring_configuration'] as const;
export const DEFAULT_SCOPES = OURA_SCOPES.slice(0, 8);

function redirect(ctx: RequestContext, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  ctx.res.writeHead(302, { Location: url.toString(), 'Content-Length': 0 });
  ctx.res.end();
}

export function parseScopes(raw: string | null): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  return [...new Set(raw.split(/[\s+]+/).filter(Boolean))];
}

function authorization(ctx: RequestContext): void {
  const { store, query } = ctx;
  const state = query.get('state');
  const target = authorizationTarget(ctx.res, query, store.config, sendText);
  if (!target) return;
  const clientId = store.config.clientId;
  // Remembered as asked (null when omitted): the token request must repeat it the same way.
  const redirectUri = query.get('redirect_uri');
  if (query.get('response_type') !== 'code') return redirect(ctx, target, { error: 'unsupported_response_type', state });
  const requested = parseScopes(query.get('scope')) ?? [...DEFAULT_SCOPES];
  if (!requested.every((s) => (OURA_SCOPES as readonly string[]).includes(s))) return redirect(ctx, target, { error: 'invalid_scope', state });
  if (store.config.sandbox && ctx.method === 'GET') {
    return sendText(ctx.res, 200, consentPage({ provider: 'Oura', scopes: requested, redirectUri: target, color: '#2f4a73', query }), 'text/html; charset=utf-8');
  }
  if (!store.config.sandbox && ctx.method !== 'GET') return sendText(ctx.res, 405, 'Method not allowed');
  const deny = consentDenied(query);
  if (deny || store.denyNext > 0) {
    if (!deny) store.denyNext--;
    return redirect(ctx, target, { error: 'access_denied', state });
  }
  // The user may untick scopes on the consent page: setNextGrantedScopes() narrows the grant.
  const granted = store.nextGrantedScopes ? requested.filter((s) => store.nextGrantedScopes!.includes(s)) : requested;
  store.nextGrantedScopes = null;

  // Fake-only: ?oura_user_id=... re-authorizes an existing user; otherwise a new user is created.
  const next = store.nextAuthorization;
  store.nextAuthorization = null;
  const user = store.createUser({
    // Sandbox: login_hint (the gateway's user id) always yields the same simulated account.
    ouraUserId: query.get('oura_user_id') ?? next?.ouraUserId ?? (store.config.sandbox && query.get('login_hint') ? store.userIdForHint(query.get('login_hint')!) : undefined),
    timeZoneOffsetMinutes: next?.timeZoneOffsetMinutes,
  });
  const code = randomToken(16);
  store.codes.set(code, { code, clientId, redirectUri, ouraUserId: user.ouraUserId, scopes: granted, expiresAt: store.now() + CODE_TTL_MS, used: false });
  redirect(ctx, target, { code, state });
}

function tokenError(ctx: RequestContext, status: number, error: string, description: string): void {
  sendJson(ctx.res, status, { error, error_description: description }, { 'Cache-Control': 'no-store' });
}

/** Client credentials from HTTP Basic or from the form body (both accepted). */
function clientCredentials(ctx: RequestContext, form: URLSearchParams): { id: string; secret: string } | null {
  const basic = parseBasicAuth(ctx.req.headers.authorization);
  if (basic) return basic;
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id !== null && secret !== null ? { id, secret } : null;
}

function token(ctx: RequestContext): void {
  const { store } = ctx;
  const contentType = String(ctx.req.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return tokenError(ctx, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const creds = clientCredentials(ctx, form);
  if (!creds || creds.id !== store.config.clientId || creds.secret !== store.config.clientSecret) {
    return tokenError(ctx, 401, 'invalid_client', 'Client authentication failed');
  }
  const grantType = form.get('grant_type');
  if (!grantType) return tokenError(ctx, 400, 'invalid_request', 'grant_type is required');

  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) return tokenError(ctx, 400, 'invalid_request', 'code is required');
    const rec = store.codes.get(code);
    if (!rec || rec.clientId !== creds.id) return tokenError(ctx, 400, 'invalid_grant', 'Unknown authorization code');
    if (rec.used) return tokenError(ctx, 400, 'invalid_grant', 'Authorization code already used');
    if (store.now() > rec.expiresAt) return tokenError(ctx, 400, 'invalid_grant', 'Authorization code expired');
    const redirectUri = form.get('redirect_uri');
    if (rec.redirectUri !== null && redirectUri !== rec.redirectUri) {
      return tokenError(ctx, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    }
    rec.used = true;
    const { access, refresh } = store.issueTokens(rec.ouraUserId, rec.clientId, rec.scopes);
    return sendTokens(ctx, access.token, refresh.token, access.scopes);
  }

  if (grantType === 'refresh_token') {
    const raw = form.get('refresh_token');
    if (!raw) return tokenError(ctx, 400, 'invalid_request', 'refresh_token is required');
    const rec = store.refreshTokens.get(raw) ?? store.restoreRefreshToken(raw);
    if (!rec || rec.clientId !== creds.id) return tokenError(ctx, 400, 'invalid_grant', 'Unknown refresh token');
    if (rec.status === 'used') return tokenError(ctx, 400, 'invalid_grant', 'Refresh token already used');
    if (rec.status === 'revoked') return tokenError(ctx, 400, 'invalid_grant', 'Refresh token revoked');
    rec.status = 'used';
    const { access, refresh } = store.issueTokens(rec.ouraUserId, rec.clientId, rec.scopes);
    return sendTokens(ctx, access.token, refresh.token, access.scopes);
  }

  tokenError(ctx, 400, 'unsupported_grant_type', `unsupported grant_type ${grantType}`);
}

function sendTokens(ctx: RequestContext, accessToken: string, refreshToken: string, scopes: string[]): void {
  sendJson(
    ctx.res,
    200,
    {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ctx.store.config.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope: scopes.join(' '),
    },
    { 'Cache-Control': 'no-store' },
  );
}

export const oauthRoutes: Route[] = [
  route('GET', /^\/oauth\/authorize\/?$/, authorization),
  route('POST', /^\/oauth\/authorize\/?$/, authorization),
  route('POST', /^\/oauth\/token\/?$/, token),
];

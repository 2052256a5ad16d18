/**
 * Polar OAuth 2.0 (authorization code flow, no refresh tokens).
 * For tests the authorization "page" is headless: it immediately redirects (302) to the
 * redirect_uri with code+state, or with error=access_denied when denied. In sandbox mode GET serves
 * a consent page with "Allow" and "Deny" buttons, whose POST (same URL; Deny adds deny=1) does that redirect.
 */
import { consentDenied, consentPage } from '../tokens.js';
import { sandboxPerson } from '../shared/person.js';
import { SANDBOX_POLAR_USER_BASE } from './data.js';
import { authorizationTarget } from '../shared/http.js';
import { parseBasicAuth, sendJson, sendText } from './http.js';
import { route, type RequestContext, type Route } from './router.js';
import { randomToken } from './store.js';

export const CODE_TTL_MS = 10 * 60_000;
export const TOKEN_EXPIRES_IN = 315_360_000;
export const SCOPE = 'accesslink.read_all';

function redirect(ctx: RequestContext, target: string, params: Record<string, string | null>): void {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  ctx.res.writeHead(302, { Location: url.toString(), 'Content-Length': 0 });
  ctx.res.end();
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
  const scope = query.get('scope');
  if (scope !== null && !scope.split(/[ +]/).every((s) => s === SCOPE)) return redirect(ctx, target, { error: 'invalid_scope', state });
  if (store.config.sandbox && ctx.method === 'GET') {
    return sendText(ctx.res, 200, consentPage({ provider: 'Polar', scopes: [SCOPE], redirectUri: target, color: '#d10027', query }), 'text/html; charset=utf-8');
  }
  if (!store.config.sandbox && ctx.method !== 'GET') return sendText(ctx.res, 405, 'Method not allowed');
  const deny = consentDenied(query);
  if (deny || store.denyNext > 0) {
    if (!deny) store.denyNext--;
    return redirect(ctx, target, { error: 'access_denied', state });
  }

  // Fake-only: ?polar_user_id=N re-authorizes an existing user; otherwise a new user is created.
  const next = store.nextAuthorization;
  store.nextAuthorization = null;
  // Sandbox: login_hint (the gateway's user id) always yields the same simulated account.
  const loginHint = store.config.sandbox ? query.get('login_hint') : null;
  const fromHint = loginHint ? SANDBOX_POLAR_USER_BASE + sandboxPerson(loginHint) : undefined;
  const hinted = Number(query.get('polar_user_id') ?? next?.polarUserId ?? fromHint ?? NaN);
  const user = store.createUser({
    polarUserId: Number.isInteger(hinted) ? hinted : undefined,
    timeZoneOffsetMinutes: next?.timeZoneOffsetMinutes,
  });
  const code = randomToken(16);
  store.codes.set(code, {
    code,
    clientId,
    redirectUri,
    polarUserId: user.polarUserId,
    expiresAt: store.now() + CODE_TTL_MS,
    used: false,
  });
  redirect(ctx, target, { code, state });
}

function tokenError(ctx: RequestContext, status: number, error: string, description: string): void {
  sendJson(ctx.res, status, { error, error_description: description }, { 'Cache-Control': 'no-store' });
}

function token(ctx: RequestContext): void {
  const { store } = ctx;
  const creds = parseBasicAuth(ctx.req.headers.authorization);
  if (!creds || creds.id !== store.config.clientId || creds.secret !== store.config.clientSecret) {
    return tokenError(ctx, 401, 'invalid_client', 'Client authentication failed (HTTP Basic required)');
  }
  const contentType = String(ctx.req.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return tokenError(ctx, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (!grantType) return tokenError(ctx, 400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'authorization_code') return tokenError(ctx, 400, 'unsupported_grant_type', `unsupported grant_type ${grantType}`);
  const code = form.get('code');
  if (!code) return tokenError(ctx, 400, 'invalid_request', 'code is required');
  const rec = store.codes.get(code);
  if (!rec || rec.clientId !== creds.id) return tokenError(ctx, 400, 'invalid_grant', 'Unknown authorization code');
  if (rec.used) {
    // AccessLink: a code used twice is denied and the tokens issued with it are deleted.
    if (rec.issuedToken) store.tokens.get(rec.issuedToken)!.revoked = true;
    return tokenError(ctx, 400, 'invalid_grant', 'Authorization code already used');
  }
  if (store.now() > rec.expiresAt) return tokenError(ctx, 400, 'invalid_grant', 'Authorization code expired');
  const redirectUri = form.get('redirect_uri');
  if (rec.redirectUri !== null && redirectUri !== rec.redirectUri) {
    return tokenError(ctx, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
  }
  rec.used = true;
  const issued = store.issueToken(rec.polarUserId);
  rec.issuedToken = issued.token;
  sendJson(
    ctx.res,
    200,
    { access_token: issued.token, token_type: 'bearer', expires_in: TOKEN_EXPIRES_IN, x_user_id: rec.polarUserId },
    { 'Cache-Control': 'no-store' },
  );
}

export const oauthRoutes: Route[] = [
  route('GET', /^\/oauth2\/authorization\/?$/, authorization),
  route('POST', /^\/oauth2\/authorization\/?$/, authorization),
  route('POST', /^\/v2\/oauth2\/token\/?$/, token),
];

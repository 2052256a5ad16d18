/**
 * The OAuth authorization-code flow for every provider, through openid-client. `state` is random,
 * stored only as a hash, bound to the user, the provider and the redirect URI, single-use and
 * valid for 10 minutes.
 */
import crypto from 'node:crypto';
import * as client from 'openid-client';
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { ProviderAdapter, TokenResult } from '../providers/types.js';
import type { SettingsMode } from '../sandbox/settings.js';
import type { TokenCipher } from '../security/crypto.js';

export const STATE_TTL_MS = 10 * 60_000;

export class OAuthFlowError extends Error {
  constructor(
    /** Short machine-readable reason, safe to put in a redirect URL. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const hashState = (state: string) => crypto.createHash('sha256').update(state).digest('hex');

export function callbackUrl(config: Config, adapter: Pick<ProviderAdapter, 'slug'>): string {
  return `${config.publicUrl}/oauth/${adapter.slug}/callback`;
}

/**
 * Redirect targets must fall under an OAUTH_REDIRECT_ALLOWLIST entry (default: PUBLIC_URL's
 * origin): the same origin exactly, and the entry's path as whole segments (`/done` allows
 * `/done` and `/done/x`, not `/donex` or `/done-evil`), compared after URL normalisation (`.`,
 * `..`, `%2e`). Encoded slashes and backslashes (`%2F`, `%5C`), which servers decode into
 * another path after this check, and userinfo are refused outright.
 */
/** OAUTH_REDIRECT_ALLOWLIST, or PUBLIC_URL's origin when it is empty. */
export const allowedRedirects = (config: Config): string[] => (config.oauthRedirectAllowlist.length ? config.oauthRedirectAllowlist : [new URL(config.publicUrl).origin + '/']);

export function isAllowedRedirect(config: Config, redirectUri: string): boolean {
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.username || target.password || /%2f|%5c/i.test(target.pathname)) return false;
  return allowedRedirects(config).some((entry) => {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      return false;
    }
    if (target.origin !== allowed.origin) return false;
    const prefix = allowed.pathname;
    return target.pathname === prefix || target.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  });
}

/**
 * HTTP Basic as providers document it: base64("id:secret"). openid-client's ClientSecretBasic
 * form-encodes both parts first (RFC 6749 2.3.1), turning the "-" of a UUID client id into "%2D",
 * which Polar's token endpoint does not decode.
 */
function plainBasicAuth(clientId: string, clientSecret: string): client.ClientAuth {
  return (_as, _client, _body, headers) => {
    headers.set('authorization', `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`);
  };
}

/** `mode`: the side (real provider or sandbox simulator) of an existing connection; default: a new connection's. */
export function oauthConfiguration(config: Config, adapter: ProviderAdapter, mode?: SettingsMode): client.Configuration {
  const settings = adapter.settings(config, mode);
  if (!settings.credentials) throw new OAuthFlowError('provider_unavailable', `${adapter.displayName} has no client credentials configured`);
  const { clientId, clientSecret } = settings.credentials;
  const configuration = new client.Configuration(
    {
      issuer: new URL(settings.oauth.authorizationUrl).origin,
      authorization_endpoint: settings.oauth.authorizationUrl,
      token_endpoint: settings.oauth.tokenUrl,
    },
    clientId,
    undefined,
    settings.oauth.clientAuth === 'client_secret_basic' ? plainBasicAuth(clientId, clientSecret) : client.ClientSecretPost(clientSecret),
  );
  if (settings.oauth.tokenUrl.startsWith('http://')) client.allowInsecureRequests(configuration);
  return configuration;
}

export async function startAuthorization(
  deps: { prisma: PrismaClient; config: Config; cipher: TokenCipher },
  adapter: ProviderAdapter,
  input: { userId: string; redirectUri: string },
): Promise<string> {
  const { prisma, config, cipher } = deps;
  const configuration = oauthConfiguration(config, adapter);
  const settings = adapter.settings(config);
  const state = client.randomState();
  const codeVerifier = settings.oauth.pkce ? client.randomPKCECodeVerifier() : null;
  await prisma.oAuthState.create({
    data: {
      stateHash: hashState(state),
      userId: input.userId,
      provider: adapter.id,
      redirectUri: input.redirectUri,
      codeVerifierEncrypted: codeVerifier ? cipher.encrypt(codeVerifier) : null,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  const parameters: Record<string, string> = {
    ...settings.oauth.authorizationParams,
    redirect_uri: callbackUrl(config, adapter),
    scope: settings.oauth.scopes.join(settings.oauth.scopeSeparator ?? ' '),
    state,
  };
  // The sandbox simulator derives its simulated account from the hint: one user, one account.
  if (settings.sandbox) parameters.login_hint = input.userId;
  if (codeVerifier) {
    parameters.code_challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    parameters.code_challenge_method = 'S256';
  }
  return client.buildAuthorizationUrl(configuration, parameters).toString();
}

export interface PendingAuthorization {
  userId: string;
  redirectUri: string;
  codeVerifier: string | null;
}

/**
 * Takes the state out of circulation. Fails for a missing, unknown, expired, used or
 * other-provider state; only then is nothing known about where to send the browser.
 */
export async function consumeState(
  deps: { prisma: PrismaClient; cipher: TokenCipher },
  adapter: ProviderAdapter,
  state: string | null,
): Promise<PendingAuthorization> {
  if (!state) throw new OAuthFlowError('missing_state', 'The callback carries no state.');
  const stateHash = hashState(state);
  const { count } = await deps.prisma.oAuthState.updateMany({
    where: { stateHash, provider: adapter.id, consumedAt: null, expiresAt: { gt: new Date() } },
    data: { consumedAt: new Date() },
  });
  if (count !== 1) throw new OAuthFlowError('invalid_state', 'This authorization link is unknown, expired or already used. Start connecting again.');
  const row = await deps.prisma.oAuthState.findUniqueOrThrow({ where: { stateHash } });
  return {
    userId: row.userId,
    redirectUri: row.redirectUri,
    codeVerifier: row.codeVerifierEncrypted ? deps.cipher.decrypt(row.codeVerifierEncrypted) : null,
  };
}

const splitScopes = (value: string | null): string[] | null => (value === null ? null : value.split(/[\s,]+/).filter(Boolean));

export async function exchangeCode(
  config: Config,
  adapter: ProviderAdapter,
  callbackRequestUrl: URL,
  pending: PendingAuthorization,
  state: string,
): Promise<TokenResult> {
  const configuration = oauthConfiguration(config, adapter);
  // The provider checks that redirect_uri equals the one of the authorization request: rebuild it
  // from PUBLIC_URL, not from the Host header this request happened to arrive with.
  const currentUrl = new URL(callbackUrl(config, adapter));
  currentUrl.search = callbackRequestUrl.search;
  let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    response = await client.authorizationCodeGrant(configuration, currentUrl, {
      expectedState: state,
      pkceCodeVerifier: pending.codeVerifier ?? undefined,
    });
  } catch (error) {
    const oauthError = error as { error?: string; error_description?: string; message?: string };
    const detail = [oauthError.error, oauthError.error_description].filter(Boolean).join(': ') || oauthError.message || String(error);
    throw new OAuthFlowError('token_exchange_failed', `The token exchange with ${adapter.displayName} failed: ${detail}`);
  }
  const raw = response as unknown as Record<string, unknown>;
  const expiresIn = response.expiresIn();
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    // What the user granted: the token response's scope, else the callback's (Strava names the
    // granted scopes there only), else what was asked for.
    scopes: splitScopes(typeof response.scope === 'string' ? response.scope : callbackRequestUrl.searchParams.get('scope')) ?? adapter.settings(config).oauth.scopes,
    providerUserId: adapter.providerUserIdFromToken?.(raw) ?? null,
  };
}

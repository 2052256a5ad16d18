/**
 * Refresh-token rotation (Oura and other providers that issue refresh tokens). The new pair is
 * stored with a compare-and-swap on the old refresh token, so two replicas refreshing at once
 * cannot overwrite a newer token with an older one.
 */
import * as client from 'openid-client';
import type { Config } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { providerById } from '../providers/registry.js';
import type { TokenCipher } from '../security/crypto.js';
import { oauthConfiguration } from './flow.js';

/** Refresh this long before expiry. */
export const REFRESH_MARGIN_MS = 10 * 60_000;

export type RefreshOutcome = 'refreshed' | 'not_needed' | 'refreshed_elsewhere' | 'refused';

export interface RefreshDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  logger: Logger;
}

export function needsRefresh(connection: { expiresAt: Date | null; refreshTokenEncrypted: string | null }, now = Date.now()): boolean {
  return Boolean(connection.refreshTokenEncrypted && connection.expiresAt && connection.expiresAt.getTime() - now < REFRESH_MARGIN_MS);
}

export async function refreshConnection(deps: RefreshDeps, connectionId: string, options: { force?: boolean } = {}): Promise<RefreshOutcome> {
  const { prisma, config, cipher, logger } = deps;
  const connection = await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  const adapter = providerById(connection.provider);
  const mode = { sandbox: connection.sandbox };
  if (!connection.refreshTokenEncrypted || !adapter.settings(config, mode).oauth.issuesRefreshTokens) return 'not_needed';
  if (!options.force && !needsRefresh(connection)) return 'not_needed';
  let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    response = await client.refreshTokenGrant(oauthConfiguration(config, adapter, mode), cipher.decrypt(connection.refreshTokenEncrypted));
  } catch (error) {
    const current = await prisma.connection.findUnique({ where: { id: connectionId }, select: { refreshTokenEncrypted: true } });
    if (current && current.refreshTokenEncrypted !== connection.refreshTokenEncrypted) return 'refreshed_elsewhere';
    const oauthError = error as { error?: string; status?: number };
    const refused = oauthError.error === 'invalid_grant' || oauthError.error === 'invalid_client' || oauthError.status === 400 || oauthError.status === 401;
    if (!refused) throw error; // network trouble: let the caller retry later
    await prisma.connection.update({
      where: { id: connectionId },
      data: { status: 'NEEDS_REAUTH', lastError: `${adapter.displayName} refused to refresh the access token (${oauthError.error ?? 'refused'}); the user must connect again.` },
    });
    logger.warn('token refresh refused; connection needs re-authorisation', { connectionId, provider: connection.provider });
    return 'refused';
  }
  const expiresIn = response.expiresIn();
  const { count } = await prisma.connection.updateMany({
    where: { id: connectionId, refreshTokenEncrypted: connection.refreshTokenEncrypted },
    data: {
      accessTokenEncrypted: cipher.encrypt(response.access_token),
      // Providers that rotate send a new refresh token; one that does not keeps the old one valid.
      refreshTokenEncrypted: response.refresh_token ? cipher.encrypt(response.refresh_token) : connection.refreshTokenEncrypted,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      ...(typeof response.scope === 'string' ? { scopes: response.scope.split(/[\s,]+/).filter(Boolean) } : {}),
    },
  });
  if (count === 0) return 'refreshed_elsewhere';
  logger.info('access token refreshed', { connectionId, provider: connection.provider });
  return 'refreshed';
}

/** Refreshes every active connection whose token expires within the margin (scheduled job). */
export async function refreshDueConnections(deps: RefreshDeps): Promise<number> {
  const due = await deps.prisma.connection.findMany({
    where: { status: 'ACTIVE', refreshTokenEncrypted: { not: null }, expiresAt: { lt: new Date(Date.now() + REFRESH_MARGIN_MS) } },
    select: { id: true },
  });
  let refreshed = 0;
  for (const { id } of due) {
    try {
      if ((await refreshConnection(deps, id)) === 'refreshed') refreshed++;
    } catch (error) {
      deps.logger.warn('token refresh failed; will try again', { connectionId: id, error });
    }
  }
  return refreshed;
}

/**
 * Connecting and disconnecting a user's provider account: what the OAuth callback and the
 * GraphQL mutations share.
 */
import type { Config } from '../config.js';
import type { Connection, PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import type { ProviderAdapter, TokenResult } from '../providers/types.js';
import { isDeviceProvider } from '../providers/registry.js';
import type { TokenCipher } from '../security/crypto.js';
import type { SyncEngine } from '../sync/engine.js';

export interface ConnectionServiceDeps {
  prisma: PrismaClient;
  config: Config;
  cipher: TokenCipher;
  sync: SyncEngine;
  logger: Logger;
}

export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  /** Stores the tokens (encrypted), runs the provider's registration, and starts the backfill. */
  async completeConnection(adapter: ProviderAdapter, userId: string, tokens: TokenResult): Promise<Connection> {
    const { prisma, cipher, sync, logger } = this.deps;
    // The side the authorization ran against (the simulator when the provider has no credentials).
    const sandbox = adapter.settings(this.deps.config).sandbox === true;
    const previous = await prisma.connection.findUnique({ where: { userId_provider: { userId, provider: adapter.id } }, select: { sandbox: true } });
    if (previous && previous.sandbox !== sandbox) {
      // Switching between the simulator and the real provider: simulated and real records never mix.
      await this.deleteProviderData({ userId, provider: adapter.id });
      logger.info('connection switched between sandbox and real provider; the previous side\'s records were deleted', { provider: adapter.id, sandbox });
    }
    const tokenFields = {
      sandbox,
      accessTokenEncrypted: cipher.encrypt(tokens.accessToken),
      refreshTokenEncrypted: tokens.refreshToken ? cipher.encrypt(tokens.refreshToken) : null,
      expiresAt: tokens.expiresAt,
      scopes: tokens.scopes,
      providerUserId: tokens.providerUserId,
      status: 'ACTIVE' as const,
      lastError: null,
    };
    let connection = await prisma.connection.upsert({
      where: { userId_provider: { userId, provider: adapter.id } },
      create: { userId, provider: adapter.id, ...tokenFields },
      update: tokenFields,
    });
    if (adapter.register) {
      const { context } = await sync.connectionContext(connection.id, 'interactive');
      try {
        const { providerUserId, scopes, note } = await adapter.register(context);
        connection = await prisma.connection.update({
          where: { id: connection.id },
          data: { providerUserId: providerUserId ?? connection.providerUserId, ...(scopes ? { scopes } : {}), ...(note !== undefined ? { lastError: note } : {}) },
        });
      } catch (error) {
        await prisma.connection.update({
          where: { id: connection.id },
          data: { status: 'ERROR', lastError: `Registration at ${adapter.displayName} failed: ${(error as Error).message}` },
        });
        throw error;
      }
    }
    logger.info('provider connected', { provider: adapter.id, connectionId: connection.id, ...(sandbox ? { sandbox: true } : {}) });
    await sync.requestSync(connection.id, 'BACKFILL');
    return connection;
  }

  /** De-registers at the provider (best effort) and removes the connection; data is kept or deleted. */
  async disconnect(connectionId: string, options: { deleteData: boolean }): Promise<{ deregistered: boolean }> {
    const { prisma, sync, logger } = this.deps;
    const connection = await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    // A device provider (data pushed from the phone) has nobody to de-register at.
    const adapter = isDeviceProvider(connection.provider) ? null : sync.adapterFor(connection.provider);
    let deregistered = false;
    if (adapter?.deregister && connection.accessTokenEncrypted && connection.status === 'ACTIVE') {
      try {
        const { context } = await sync.connectionContext(connection.id, 'interactive');
        await adapter.deregister(context);
        deregistered = true;
      } catch (error) {
        // The user may have revoked us already; the local disconnect still goes ahead.
        logger.warn('de-registration at the provider failed', { connectionId, error });
      }
    }
    const owner = { userId: connection.userId, provider: connection.provider };
    if (options.deleteData) await this.deleteProviderData(owner);
    await prisma.connection.delete({ where: { id: connectionId } });
    logger.info('provider disconnected', {
      provider: connection.provider,
      connectionId,
      deletedData: options.deleteData,
      ...(connection.sandbox ? { sandbox: true } : {}),
    });
    return { deregistered };
  }

  /** Every record one provider brought for one user. */
  private async deleteProviderData(owner: { userId: string; provider: Connection['provider'] }): Promise<void> {
    const { prisma } = this.deps;
    await prisma.$transaction([
      prisma.workout.deleteMany({ where: owner }),
      prisma.sleepSession.deleteMany({ where: owner }),
      prisma.recovery.deleteMany({ where: owner }),
      prisma.dailyActivity.deleteMany({ where: owner }),
      prisma.vo2MaxEstimate.deleteMany({ where: owner }),
      prisma.heartRateSample.deleteMany({ where: owner }),
      prisma.rawPayload.deleteMany({ where: owner }),
    ]);
  }
}

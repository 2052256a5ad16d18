/**
 * A replica started with another ENCRYPTION_KEY than the one the database's secrets were sealed
 * with would start silently and fail every sync later. At start-up one stored secret (the newest
 * connection token, else a webhook signature secret) is opened; if the configured keys cannot
 * open it, the start is refused with a message that says which key the data needs.
 */
import { ConfigError } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { sealedKeyId, type TokenCipher } from './crypto.js';

export async function checkEncryptionKey(prisma: PrismaClient, cipher: TokenCipher): Promise<void> {
  const connection = await prisma.connection.findFirst({ where: { accessTokenEncrypted: { not: null } }, orderBy: { updatedAt: 'desc' }, select: { accessTokenEncrypted: true } });
  const webhook = connection ? null : await prisma.providerWebhook.findFirst({ where: { secretEncrypted: { not: null } }, select: { secretEncrypted: true } });
  const sealed = connection?.accessTokenEncrypted ?? webhook?.secretEncrypted ?? null;
  if (!sealed) return;
  try {
    cipher.decrypt(sealed);
  } catch {
    throw new ConfigError(
      `ENCRYPTION_KEY cannot decrypt the secrets stored in this database (they were sealed with key ${sealedKeyId(sealed) ?? 'unknown'}; ` +
        `this process has ${cipher.keyIds.join(', ')}). Start with the key this database was written with (the same ENCRYPTION_KEY as the other replicas, ` +
        'or DATA_DIR/encryption.key on the embedded database), or list the old key in ENCRYPTION_KEY_PREVIOUS while rotating. Refusing to start: every sync would fail.',
    );
  }
}

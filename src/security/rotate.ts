/**
 * Re-encrypts every stored secret under the cipher's current key: Connection access and refresh
 * tokens, OAuthState PKCE verifiers and ProviderWebhook signature secrets. Values already under
 * the current key are left alone, so a run can be repeated (or interrupted and run again).
 *
 * Safe while servers run: each row is rewritten with a compare-and-swap (the UPDATE matches the
 * ciphertext that was read), so a token refreshed by a running server in the meantime is never
 * overwritten with the stale one; such a row is read again and retried. Running servers must be able
 * to decrypt both keys while this runs (see the README, "Rotating the encryption key").
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TokenCipher } from './crypto.js';

export interface RotationFailure {
  table: 'Connection' | 'OAuthState' | 'ProviderWebhook';
  id: string;
  reason: string;
}

export interface RotationResult {
  /** Rows rewritten per table. */
  connections: number;
  oauthStates: number;
  providerWebhooks: number;
  /** Values that could not be decrypted with any configured key; left as they were. */
  failures: RotationFailure[];
}

export interface RotationOptions {
  batchSize?: number;
  /** Called after each batch with the rows rewritten so far. */
  onProgress?: (rewritten: number) => void;
}

const MAX_ATTEMPTS = 5;

/** Re-encrypts one value if it is not under the current key; returns it unchanged otherwise. */
function fresh(cipher: TokenCipher, value: string | null): string | null {
  if (value === null || !cipher.isStale(value)) return value;
  return cipher.encrypt(cipher.decrypt(value));
}

export async function rotateEncryptionKey(prisma: PrismaClient, cipher: TokenCipher, options: RotationOptions = {}): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 200;
  const current = `v1.${cipher.keyId}.`;
  const result: RotationResult = { connections: 0, oauthStates: 0, providerWebhooks: 0, failures: [] };
  const progress = () => options.onProgress?.(result.connections + result.oauthStates + result.providerWebhooks);
  const stale = (field: string) => ({ AND: [{ [field]: { not: null } }, { NOT: { [field]: { startsWith: current } } }] });

  // Connections: two encrypted columns, swapped together.
  let cursor = '';
  for (;;) {
    const rows = await prisma.connection.findMany({
      where: { id: { gt: cursor }, OR: [stale('accessTokenEncrypted'), stale('refreshTokenEncrypted')] },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (!rows.length) break;
    cursor = rows[rows.length - 1].id;
    for (const { id } of rows) {
      for (let attempt = 1; ; attempt++) {
        const row = await prisma.connection.findUnique({ where: { id }, select: { accessTokenEncrypted: true, refreshTokenEncrypted: true } });
        if (!row) break; // deleted meanwhile
        let access: string | null;
        let refresh: string | null;
        try {
          access = fresh(cipher, row.accessTokenEncrypted);
          refresh = fresh(cipher, row.refreshTokenEncrypted);
        } catch (error) {
          result.failures.push({ table: 'Connection', id, reason: (error as Error).message });
          break;
        }
        if (access === row.accessTokenEncrypted && refresh === row.refreshTokenEncrypted) break;
        const { count } = await prisma.connection.updateMany({
          where: { id, accessTokenEncrypted: row.accessTokenEncrypted, refreshTokenEncrypted: row.refreshTokenEncrypted },
          data: { accessTokenEncrypted: access, refreshTokenEncrypted: refresh },
        });
        if (count === 1) {
          result.connections++;
          break;
        }
        if (attempt >= MAX_ATTEMPTS) {
          result.failures.push({ table: 'Connection', id, reason: 'changed concurrently on every attempt; run again' });
          break;
        }
      }
    }
    progress();
  }

  // OAuth states (short-lived, but a pending authorization must still complete after the switch).
  cursor = '';
  for (;;) {
    const rows = await prisma.oAuthState.findMany({
      where: { stateHash: { gt: cursor }, ...stale('codeVerifierEncrypted') },
      select: { stateHash: true, codeVerifierEncrypted: true },
      orderBy: { stateHash: 'asc' },
      take: batchSize,
    });
    if (!rows.length) break;
    cursor = rows[rows.length - 1].stateHash;
    for (const row of rows) {
      let value: string | null;
      try {
        value = fresh(cipher, row.codeVerifierEncrypted);
      } catch (error) {
        result.failures.push({ table: 'OAuthState', id: row.stateHash.slice(0, 12), reason: (error as Error).message });
        continue;
      }
      // The verifier of a state never changes; a consumed or deleted state simply matches nothing.
      const { count } = await prisma.oAuthState.updateMany({
        where: { stateHash: row.stateHash, codeVerifierEncrypted: row.codeVerifierEncrypted },
        data: { codeVerifierEncrypted: value },
      });
      result.oauthStates += count;
    }
    progress();
  }

  // Provider webhooks: one row per provider.
  const webhooks = await prisma.providerWebhook.findMany({ where: stale('secretEncrypted'), select: { provider: true } });
  for (const { provider } of webhooks) {
    for (let attempt = 1; ; attempt++) {
      const row = await prisma.providerWebhook.findUnique({ where: { provider }, select: { secretEncrypted: true } });
      if (!row) break;
      let value: string | null;
      try {
        value = fresh(cipher, row.secretEncrypted);
      } catch (error) {
        result.failures.push({ table: 'ProviderWebhook', id: provider, reason: (error as Error).message });
        break;
      }
      if (value === row.secretEncrypted) break;
      const { count } = await prisma.providerWebhook.updateMany({
        where: { provider, secretEncrypted: row.secretEncrypted },
        data: { secretEncrypted: value },
      });
      if (count === 1) {
        result.providerWebhooks++;
        break;
      }
      if (attempt >= MAX_ATTEMPTS) {
        result.failures.push({ table: 'ProviderWebhook', id: provider, reason: 'changed concurrently on every attempt; run again' });
        break;
      }
    }
  }
  progress();
  return result;
}

/** How many rows hold a secret not under the cipher's current key (0 = the old key can be dropped). */
export async function countStaleSecrets(prisma: PrismaClient, cipher: TokenCipher): Promise<number> {
  const current = `v1.${cipher.keyId}.`;
  const stale = (field: string) => ({ AND: [{ [field]: { not: null } }, { NOT: { [field]: { startsWith: current } } }] });
  const [connections, states, webhooks] = await Promise.all([
    prisma.connection.count({ where: { OR: [stale('accessTokenEncrypted'), stale('refreshTokenEncrypted')] } }),
    prisma.oAuthState.count({ where: stale('codeVerifierEncrypted') }),
    prisma.providerWebhook.count({ where: stale('secretEncrypted') }),
  ]);
  return connections + states + webhooks;
}

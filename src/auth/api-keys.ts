/**
 * API keys: random, shown once, stored only as a SHA-256 hash. Lookup goes through the unique
 * hash index; the final comparison is constant-time so response timing says nothing about how
 * much of a key matched.
 */
import crypto from 'node:crypto';
import type { ApiKey, ApiKeyScope, PrismaClient } from '../generated/prisma/client.js';

const KEY_PREFIX = 'whg_';
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;

export function generateApiKey(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export function keyPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

const SCOPE_ORDER: ApiKeyScope[] = ['READ', 'WRITE', 'ADMIN'];

/** ADMIN includes WRITE, WRITE includes READ. */
export function impliedScopes(scopes: ApiKeyScope[]): ApiKeyScope[] {
  const highest = Math.max(...scopes.map((scope) => SCOPE_ORDER.indexOf(scope)));
  if (highest < 0) throw new Error('An API key needs at least one scope');
  return SCOPE_ORDER.slice(0, highest + 1);
}

export interface CreatedApiKey {
  /** The only time the full key exists outside the caller's hands. */
  key: string;
  record: ApiKey;
}

export async function createApiKey(
  prisma: PrismaClient,
  input: { name: string; scopes: ApiKeyScope[]; key?: string },
): Promise<CreatedApiKey> {
  const key = input.key ?? generateApiKey();
  if (key.length < 16) throw new Error('An API key must be at least 16 characters long');
  const scopes = impliedScopes(input.scopes);
  const record = await prisma.apiKey.create({
    data: { name: input.name, prefix: keyPrefix(key), keyHash: hashApiKey(key), scopes },
  });
  return { key, record };
}

export type AuthenticatedKey = Pick<ApiKey, 'id' | 'name' | 'scopes'>;

// lastUsedAt is informational; writing it on every request would double the statement count.
const LAST_USED_RESOLUTION_MS = 60_000;

export async function verifyApiKey(prisma: PrismaClient, presented: string): Promise<AuthenticatedKey | null> {
  if (!presented || presented.length > 256) return null;
  const presentedHash = hashApiKey(presented);
  const record = await prisma.apiKey.findUnique({ where: { keyHash: presentedHash } });
  if (!record || record.revokedAt) return null;
  const matches = crypto.timingSafeEqual(Buffer.from(record.keyHash, 'hex'), Buffer.from(presentedHash, 'hex'));
  if (!matches) return null;
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Fire and forget: a failed bookkeeping write must not fail the request.
    prisma.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  }
  return { id: record.id, name: record.name, scopes: record.scopes };
}

/**
 * On an empty key table: register INITIAL_API_KEY as admin, or create one. Returns the key the
 * operator must be shown (only when this call generated it).
 */
export interface InitialApiKey {
  /** The admin key created at this start (shown once in the banner), or null. */
  generatedKey: string | null;
  registeredInitialKey: boolean;
  /**
   * Keys exist but no admin key has ever been used: the one shown at the first start may have
   * been lost (the banner then says how to get another).
   */
  adminKeyNeverUsed: boolean;
}

export async function ensureInitialApiKey(prisma: PrismaClient, initialApiKey: string | null): Promise<InitialApiKey> {
  const count = await prisma.apiKey.count();
  if (count > 0) {
    const used = await prisma.apiKey.count({ where: { scopes: { has: 'ADMIN' }, revokedAt: null, lastUsedAt: { not: null } } });
    return { generatedKey: null, registeredInitialKey: false, adminKeyNeverUsed: used === 0 };
  }
  if (initialApiKey) {
    await createApiKey(prisma, { name: 'initial (INITIAL_API_KEY)', scopes: ['ADMIN'], key: initialApiKey });
    return { generatedKey: null, registeredInitialKey: true, adminKeyNeverUsed: false };
  }
  const { key } = await createApiKey(prisma, { name: 'initial (generated at first start)', scopes: ['ADMIN'] });
  return { generatedKey: key, registeredInitialKey: false, adminKeyNeverUsed: false };
}

/**
 * Removes a generated admin key that was never shown (the start failed before its banner), so
 * the next start, finding no key, creates and shows a new one: the key cannot be lost that way.
 */
export async function forgetUnshownApiKey(prisma: PrismaClient, key: string): Promise<void> {
  await prisma.apiKey.deleteMany({ where: { keyHash: hashApiKey(key), lastUsedAt: null } });
}

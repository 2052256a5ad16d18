/**
 * Token encryption at rest: AES-256-GCM, a fresh 96-bit IV per value, the key's fingerprint in
 * the ciphertext so a key rotation can tell old values from new ones.
 * Format: v1.<keyId>.<iv>.<tag>.<ciphertext> (base64url parts).
 *
 * Key rotation: a cipher encrypts with its current key and decrypts with the current key or any
 * of its previous keys (ENCRYPTION_KEY_PREVIOUS), chosen by the keyId in the value; see
 * src/security/rotate.ts and the README.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';
import { ensurePrivateDir } from './private-dir.js';

const KEY_FILE = 'encryption.key';

export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The keyId part of a sealed value, or null when it is not one. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === 'v1' ? parts[1] : null;
}

export class TokenCipher {
  readonly keyId: string;
  private readonly decryptionKeys = new Map<string, Buffer>();

  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    for (const k of [key, ...previousKeys]) {
      if (k.length !== 32) throw new ConfigError('The encryption key must be 32 bytes (64 hex characters or base64)');
      if (!this.decryptionKeys.has(keyIdOf(k))) this.decryptionKeys.set(keyIdOf(k), k);
    }
    this.keyId = keyIdOf(key);
  }

  /** The ids of every key this cipher can decrypt with, current first. */
  get keyIds(): string[] {
    return [...this.decryptionKeys.keys()];
  }

  /**
   * Keys for another purpose derived from this cipher's keys (HKDF-SHA256, `purpose` as info),
   * current first: they rotate with the encryption key (user-token signing uses them when
   * USER_TOKEN_SIGNING_KEY is unset). A derived key says nothing about the key it came from.
   */
  deriveKeys(purpose: string): Buffer[] {
    return [...this.decryptionKeys.values()].map((k) => Buffer.from(crypto.hkdfSync('sha256', k, Buffer.alloc(0), purpose, 32)));
  }

  /** A cipher that encrypts with `key` and still decrypts with every key of this one. */
  withCurrentKey(key: Buffer): TokenCipher {
    return new TokenCipher(key, [...this.decryptionKeys.values()]);
  }

  /** Whether a sealed value is under another key than the current one (and so due for rotation). */
  isStale(sealed: string): boolean {
    return sealedKeyId(sealed) !== this.keyId;
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.keyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !ciphertext) throw new Error('Not an encrypted value');
    const key = this.decryptionKeys.get(keyId);
    if (!key) {
      throw new Error(`Value was encrypted under key ${keyId}, which is neither the current key ${this.keyId} nor one in ENCRYPTION_KEY_PREVIOUS`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

export function parseKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('ENCRYPTION_KEY must be 32 bytes: 64 hex characters or 44 base64 characters (e.g. `openssl rand -hex 32`)');
  }
  return key;
}

export const KEY_FILE_NAME = KEY_FILE;
/** Embedded mode: keys replaced by `rotate-encryption-key`, one per line, kept for decryption. */
export const PREVIOUS_KEY_FILE_NAME = 'encryption.key.previous';

function previousKeyFileKeys(dataDir: string): Buffer[] {
  const file = path.join(dataDir, PREVIOUS_KEY_FILE_NAME);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map(parseKey);
}

/**
 * ENCRYPTION_KEY when set. Otherwise, in embedded mode only, a key file in DATA_DIR (created with
 * mode 0600 on first start). With PostgreSQL the key must come from the environment: replicas on
 * other machines could not share a local file. ENCRYPTION_KEY_PREVIOUS (and, in embedded mode,
 * DATA_DIR/encryption.key.previous) add keys that are only used to decrypt.
 */
export function loadTokenCipher(config: {
  encryptionKey: string | null;
  encryptionKeysPrevious?: string[];
  databaseUrl: string | null;
  dataDir: string;
}): TokenCipher {
  const previous = (config.encryptionKeysPrevious ?? []).map(parseKey);
  if (config.encryptionKey) return new TokenCipher(parseKey(config.encryptionKey), previous);
  if (config.databaseUrl) {
    throw new ConfigError('ENCRYPTION_KEY is required when DATABASE_URL is set (generate one with `openssl rand -hex 32`)');
  }
  const file = path.join(config.dataDir, KEY_FILE);
  ensurePrivateDir(config.dataDir);
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new TokenCipher(parseKey(fs.readFileSync(file, 'utf8')), [...previous, ...previousKeyFileKeys(config.dataDir)]);
}

/**
 * Token encryption at rest: AES-256-GCM, a fresh 96-bit IV per value, the key's fingerprint in
 * the ciphertext so a key rotation can tell old values from new ones.
 * Format: v1.<keyId>.<iv>.<tag>.<ciphertext> (base64url parts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config.js';

const KEY_FILE = 'encryption.key';

export class TokenCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new ConfigError('The encryption key must be 32 bytes (64 hex characters or base64)');
    this.keyId = crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
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
    if (keyId !== this.keyId) throw new Error(`Value was encrypted under key ${keyId}, not the current key ${this.keyId}`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
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

/**
 * ENCRYPTION_KEY when set. Otherwise, in embedded mode only, a key file in DATA_DIR (created with
 * mode 0600 on first start). With PostgreSQL the key must come from the environment: replicas on
 * other machines could not share a local file.
 */
export function loadTokenCipher(config: { encryptionKey: string | null; databaseUrl: string | null; dataDir: string }): TokenCipher {
  if (config.encryptionKey) return new TokenCipher(parseKey(config.encryptionKey));
  if (config.databaseUrl) {
    throw new ConfigError('ENCRYPTION_KEY is required when DATABASE_URL is set (generate one with `openssl rand -hex 32`)');
  }
  const file = path.join(config.dataDir, KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return new TokenCipher(parseKey(fs.readFileSync(file, 'utf8')));
}

/**
 * Encryption-key rotation: every stored secret (Connection tokens, OAuthState verifiers,
 * ProviderWebhook secrets) is re-encrypted under the new key while servers keep working, through
 * the library function and `npm run cli -- rotate-encryption-key`.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { loadTokenCipher, parseKey, sealedKeyId, TokenCipher } from '../../src/security/crypto.js';
import { countStaleSecrets, rotateEncryptionKey } from '../../src/security/rotate.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { ROOT } from '../support/paths.js';

const OLD = crypto.randomBytes(32).toString('hex');
const NEW = crypto.randomBytes(32).toString('hex');

interface Seeded {
  tokens: Map<string, { access: string; refresh: string | null }>;
  verifier: string;
  stateHash: string;
  webhookSecret: string;
}

async function seedSecrets(prisma: PrismaClient, cipher: TokenCipher, connections: number): Promise<Seeded> {
  const tokens = new Map<string, { access: string; refresh: string | null }>();
  for (let i = 0; i < connections; i++) {
    const user = await prisma.user.create({ data: { externalId: `rot-${i}-${crypto.randomBytes(3).toString('hex')}` } });
    const access = `access-${crypto.randomBytes(12).toString('hex')}`;
    const refresh = i % 3 === 0 ? null : `refresh-${crypto.randomBytes(12).toString('hex')}`;
    const connection = await prisma.connection.create({
      data: {
        userId: user.id,
        provider: 'POLAR',
        providerUserId: String(1000 + i),
        accessTokenEncrypted: cipher.encrypt(access),
        refreshTokenEncrypted: refresh ? cipher.encrypt(refresh) : null,
      },
    });
    tokens.set(connection.id, { access, refresh });
  }
  const verifier = `verifier-${crypto.randomBytes(16).toString('hex')}`;
  const stateHash = crypto.randomBytes(32).toString('hex');
  const anyUser = await prisma.user.findFirstOrThrow();
  await prisma.oAuthState.create({
    data: { stateHash, userId: anyUser.id, provider: 'POLAR', redirectUri: 'https://app.example.com/x', codeVerifierEncrypted: cipher.encrypt(verifier), expiresAt: new Date(Date.now() + 600_000) },
  });
  const webhookSecret = `whsec-${crypto.randomBytes(12).toString('hex')}`;
  await prisma.providerWebhook.create({
    data: { provider: 'POLAR', externalId: 'wh-rot', url: 'http://gateway.test/webhooks/polar', events: ['EXERCISE'], secretEncrypted: cipher.encrypt(webhookSecret) },
  });
  return { tokens, verifier, stateHash, webhookSecret };
}

/** Asserts every secret decrypts with `cipher` to what was seeded, and is sealed under `keyId`. */
async function expectAllUnder(prisma: PrismaClient, seeded: Seeded, cipher: TokenCipher, keyId: string) {
  for (const [id, plain] of seeded.tokens) {
    const row = await prisma.connection.findUniqueOrThrow({ where: { id } });
    expect(sealedKeyId(row.accessTokenEncrypted!)).toBe(keyId);
    expect(cipher.decrypt(row.accessTokenEncrypted!)).toBe(plain.access);
    if (plain.refresh === null) expect(row.refreshTokenEncrypted).toBeNull();
    else {
      expect(sealedKeyId(row.refreshTokenEncrypted!)).toBe(keyId);
      expect(cipher.decrypt(row.refreshTokenEncrypted!)).toBe(plain.refresh);
    }
  }
  const state = await prisma.oAuthState.findUniqueOrThrow({ where: { stateHash: seeded.stateHash } });
  expect(sealedKeyId(state.codeVerifierEncrypted!)).toBe(keyId);
  expect(cipher.decrypt(state.codeVerifierEncrypted!)).toBe(seeded.verifier);
  const webhook = await prisma.providerWebhook.findUniqueOrThrow({ where: { provider: 'POLAR' } });
  expect(sealedKeyId(webhook.secretEncrypted!)).toBe(keyId);
  expect(cipher.decrypt(webhook.secretEncrypted!)).toBe(seeded.webhookSecret);
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|ENCRYPTION_KEY|DATA_DIR|NODE_OPTIONS|NEW_ENCRYPTION_KEY)/.test(k)) childEnv[k] = v;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { cwd: ROOT, env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('TokenCipher with previous keys', () => {
  it('encrypts with the current key, decrypts values of previous keys, and refuses unknown keys', () => {
    const oldOnly = new TokenCipher(parseKey(OLD));
    const sealedOld = oldOnly.encrypt('secret-token');
    const rotated = new TokenCipher(parseKey(NEW), [parseKey(OLD)]);
    expect(rotated.decrypt(sealedOld)).toBe('secret-token');
    const sealedNew = rotated.encrypt('secret-token');
    expect(sealedKeyId(sealedNew)).toBe(rotated.keyId);
    expect(rotated.isStale(sealedOld)).toBe(true);
    expect(rotated.isStale(sealedNew)).toBe(false);
    // A server that knows only the old key cannot read values under the new one: the reason the
    // procedure first teaches every server the new key (decrypt-only), then switches.
    expect(() => oldOnly.decrypt(sealedNew)).toThrow(/neither the current key/);
    const phase1 = new TokenCipher(parseKey(OLD), [parseKey(NEW)]);
    expect(phase1.decrypt(sealedNew)).toBe('secret-token');
    expect(sealedKeyId(phase1.encrypt('x'))).toBe(oldOnly.keyId);
  });

  it('reads ENCRYPTION_KEY_PREVIOUS (comma-separated)', () => {
    const config = loadConfig({ ENCRYPTION_KEY: NEW, ENCRYPTION_KEY_PREVIOUS: `${OLD}, ${'c'.repeat(64)}`, DATA_DIR: '.test-data/unused' });
    const cipher = loadTokenCipher(config);
    expect(cipher.keyIds).toHaveLength(3);
    expect(cipher.decrypt(new TokenCipher(parseKey(OLD)).encrypt('v'))).toBe('v');
  });
});

describe.each(databaseVariants())('key rotation (%s)', (variant) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openTestDatabase(variant);
  });
  afterEach(() => db.close());

  it('re-encrypts every secret under the new key while a server keeps reading and refreshing tokens', async () => {
    const oldCipher = new TokenCipher(parseKey(OLD));
    const seeded = await seedSecrets(db.prisma, oldCipher, 60);
    // Phase 2 of the procedure: servers encrypt with NEW and still decrypt OLD.
    const server = new TokenCipher(parseKey(NEW), [parseKey(OLD)]);
    expect(await countStaleSecrets(db.prisma, server)).toBe(60 + 1 + 1); // rows: connections, the state, the webhook

    // Meanwhile a "server" refreshes some tokens (new values under the new key) and reads all.
    const ids = [...seeded.tokens.keys()];
    let serving = true;
    let reads = 0;
    const serverLoop = (async () => {
      let i = 0;
      while (serving) {
        const id = ids[i++ % ids.length];
        const row = await db.prisma.connection.findUniqueOrThrow({ where: { id } });
        expect(server.decrypt(row.accessTokenEncrypted!)).toBe(seeded.tokens.get(id)!.access);
        reads++;
        if (i % 7 === 0) {
          const access = `refreshed-${crypto.randomBytes(8).toString('hex')}`;
          await db.prisma.connection.update({ where: { id }, data: { accessTokenEncrypted: server.encrypt(access) } });
          seeded.tokens.get(id)!.access = access;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const result = await rotateEncryptionKey(db.prisma, server, { batchSize: 7 });
    serving = false;
    await serverLoop;
    expect(reads).toBeGreaterThan(0);
    expect(result.failures).toEqual([]);
    expect(result.connections).toBeGreaterThan(0);
    expect(result.oauthStates).toBe(1);
    expect(result.providerWebhooks).toBe(1);
    expect(await countStaleSecrets(db.prisma, server)).toBe(0);

    // Phase 3 done: a server with only the new key reads everything, refreshed tokens included.
    const newOnly = new TokenCipher(parseKey(NEW));
    await expectAllUnder(db.prisma, seeded, newOnly, newOnly.keyId);
    // A second run changes nothing.
    const again = await rotateEncryptionKey(db.prisma, server);
    expect(again).toEqual({ connections: 0, oauthStates: 0, providerWebhooks: 0, failures: [] });
  });

  it('reports values under an unknown key instead of failing the whole run, and leaves them untouched', async () => {
    const stranger = new TokenCipher(crypto.randomBytes(32));
    const seeded = await seedSecrets(db.prisma, new TokenCipher(parseKey(OLD)), 3);
    const [firstId] = seeded.tokens.keys();
    const foreign = stranger.encrypt('foreign');
    await db.prisma.connection.update({ where: { id: firstId }, data: { accessTokenEncrypted: foreign } });
    const result = await rotateEncryptionKey(db.prisma, new TokenCipher(parseKey(NEW), [parseKey(OLD)]));
    expect(result.failures).toEqual([expect.objectContaining({ table: 'Connection', id: firstId })]);
    expect(result.connections).toBe(2);
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id: firstId } })).accessTokenEncrypted).toBe(foreign);
  });

  if (variant === 'postgresql') {
    it('`npm run cli -- rotate-encryption-key` (ENCRYPTION_KEY=new, ENCRYPTION_KEY_PREVIOUS=old) rewrites everything; --check confirms', async () => {
      const seeded = await seedSecrets(db.prisma, new TokenCipher(parseKey(OLD)), 5);
      const env = { DATABASE_URL: db.url!, ENCRYPTION_KEY: NEW, ENCRYPTION_KEY_PREVIOUS: OLD };
      const before = await runCli(['rotate-encryption-key', '--check'], env);
      expect(before.code).toBe(1);
      const run = await runCli(['rotate-encryption-key'], env);
      expect(run.stderr + run.stdout).not.toContain(NEW);
      expect(run.stderr + run.stdout).not.toContain(OLD);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/5 connections, 1 OAuth states, 1 webhook secrets/);
      const after = await runCli(['rotate-encryption-key', '--check'], env);
      expect(after.code).toBe(0);
      const newOnly = new TokenCipher(parseKey(NEW));
      await expectAllUnder(db.prisma, seeded, newOnly, newOnly.keyId);
    }, 60_000);
  }
});

describe('rotate-encryption-key in embedded mode (key file in DATA_DIR)', () => {
  it('switches the key file, keeps the old key for decryption, and re-encrypts every row', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-rotate-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir });
      const oldCipher = loadTokenCipher(config);
      let database = await openDatabase(config);
      await migrate(database);
      const seeded = await seedSecrets(database.prisma, oldCipher, 4);
      await database.close();

      const run = await runCli(['rotate-encryption-key', '--new-key', NEW], { DATA_DIR: dataDir });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/4 connections, 1 OAuth states, 1 webhook secrets/);
      expect(run.stdout + run.stderr).not.toContain(NEW);
      expect(fs.readFileSync(path.join(dataDir, 'encryption.key'), 'utf8').trim()).toBe(NEW);

      const reloaded = loadTokenCipher(config);
      expect(reloaded.keyId).toBe(new TokenCipher(parseKey(NEW)).keyId);
      expect(reloaded.keyIds).toContain(oldCipher.keyId);
      database = await openDatabase(config);
      try {
        await expectAllUnder(database.prisma, seeded, new TokenCipher(parseKey(NEW)), reloaded.keyId);
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/**
 * A start with the wrong ENCRYPTION_KEY is refused with a clear message (one stored secret is
 * opened at start-up), instead of starting silently and failing every sync later.
 */
import crypto from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { TokenCipher } from '../../src/security/crypto.js';
import { checkEncryptionKey } from '../../src/security/key-check.js';
import { databaseVariants, openTestDatabase, type TestDatabase } from '../support/databases.js';

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);

describe.each(databaseVariants())('ENCRYPTION_KEY checked at start-up (%s)', (variant) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(variant);
  });
  afterAll(async () => {
    await database?.close().catch(() => {});
  });

  it('an empty database passes; a stored token opens with its key (or with it as a previous key) and refuses any other, naming both keys', async () => {
    await expect(checkEncryptionKey(database.prisma, new TokenCipher(keyB))).resolves.toBeUndefined();
    const user = await database.prisma.user.create({ data: { externalId: 'key-check' } });
    await database.prisma.connection.create({ data: { userId: user.id, provider: 'POLAR', scopes: [], accessTokenEncrypted: new TokenCipher(keyA).encrypt('a-token') } });
    await expect(checkEncryptionKey(database.prisma, new TokenCipher(keyA))).resolves.toBeUndefined();
    await expect(checkEncryptionKey(database.prisma, new TokenCipher(keyB, [keyA]))).resolves.toBeUndefined();
    const wrong = new TokenCipher(keyB);
    await expect(checkEncryptionKey(database.prisma, wrong)).rejects.toThrow(
      new RegExp(`^ENCRYPTION_KEY cannot decrypt the secrets stored in this database \\(they were sealed with key ${new TokenCipher(keyA).keyId}; this process has ${wrong.keyId}\\)`),
    );
  });

  it('createApp refuses to start with the wrong key (and leaves the database to its owner)', async () => {
    const config = loadConfig({ DATA_DIR: '.test-data/unused', ENCRYPTION_KEY: keyB.toString('hex'), SANDBOX: 'false' });
    const lines: string[] = [];
    await expect(createApp(config, { database: { ...database, close: async () => {} }, logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) })).rejects.toThrow(/ENCRYPTION_KEY cannot decrypt/);
  });
});

/**
 * `npm run cli -- <command>`: operator commands. `npm run cli -- --help` lists them.
 *
 * Two kinds: commands that talk to a running server through its GraphQL API (sync, demo, the
 * lists, api-key revoke, export; and api-key create while `npm start` holds the embedded database), with
 * an API key (--key or API_KEY) and the server's URL (--url, else SERVER_URL, else the URL the
 * running embedded server wrote into DATA_DIR, else http://localhost:$PORT); and commands that open
 * the database themselves (replay, webhooks, import, rotate-encryption-key, and api-key create
 * when the database is free). In embedded mode those need `npm start` stopped first: the embedded
 * database belongs to one process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../auth/api-keys.js';
import { ConfigError, loadConfig, reportDeprecations, type Config } from '../config.js';
import { registerProviderWebhook, unregisterProviderWebhook, webhookUrl } from '../connections/webhook-admin.js';
import { openDatabase, type Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { dataDirHolder } from '../db/pglite.js';
import { requestRecomputeFromOutside } from '../derived/jobs.js';
import type { ApiKeyScope, Provider } from '../generated/prisma/enums.js';
import { rawIdOf } from '../graphql/global-id.js';
import { importAppleExport } from '../ingest/apple-export.js';
import { importSamsungExport } from '../ingest/samsung-export.js';
import { createLogger } from '../logger.js';
import { createHttpClient } from '../providers/http.js';
import { DEVICE_PROVIDERS, deviceProviderBySlug, PROVIDERS, providerBySlug } from '../providers/registry.js';
import { KEY_FILE_NAME, loadTokenCipher, parseKey, PREVIOUS_KEY_FILE_NAME } from '../security/crypto.js';
import { countStaleSecrets, rotateEncryptionKey } from '../security/rotate.js';
import { serverUrlOf } from '../server-info.js';
import { EXPORT_TYPES } from '../services/export.js';
import type { SyncProgressEvent } from '../sync/progress.js';
import { replayRawPayloads } from '../sync/replay.js';
import { demoInstructions, runDemo } from './demo.js';
import { download, graphql, progressBar, ProgressBoard, subscribe, type Remote } from './remote.js';

class UsageError extends Error {}

const PROVIDER_SLUGS = PROVIDERS.map((p) => p.slug).join('|');
const ALL_PROVIDER_SLUGS = [...PROVIDERS, ...DEVICE_PROVIDERS].map((p) => p.slug).join('|');

const USAGE = `usage: npm run cli -- <command>
 Through the running server's API (--url URL, --key KEY; default SERVER_URL, else the server running
 on DATA_DIR, else http://localhost:$PORT; API_KEY):
  api-key list                               (ADMIN key)
  api-key revoke <id|prefix>                 (ADMIN key)
  users list                                 (any API key)
  connections list <user id|externalId>      (any API key)
  sync <connectionId> [--from YYYY-MM-DD] [--to YYYY-MM-DD]   (WRITE key)
  demo [--external-id ID] [--redirect-uri URL] [--days N]     (WRITE key)
  export <${EXPORT_TYPES.join('|')}|all> --from YYYY-MM-DD --to YYYY-MM-DD [--format ndjson|csv] [--user USER_ID] [--out FILE]
 On the database (embedded: stop \`npm start\` first, except api-key create and webhooks, which go through its API):
  api-key create --name NAME [--scope read|write|admin]
  webhooks register <${PROVIDER_SLUGS}>     (beside a running embedded server: through the API, ADMIN key)
  webhooks unregister <${PROVIDER_SLUGS}>
  replay [--provider ${ALL_PROVIDER_SLUGS}] [--user USER_ID]
  import apple-health <export.zip|export.xml> --user USER_ID
  import samsung-health <export folder|zip> --user USER_ID
  rotate-encryption-key [--new-key HEX|BASE64] [--check]`;

const REMOTE_OPTIONS = { url: { type: 'string' }, key: { type: 'string' } } as const;

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

function providerArg(slug: string | undefined) {
  const adapter = slug ? providerBySlug(slug) : undefined;
  if (!adapter) throw new UsageError(`unknown provider "${slug ?? ''}"`);
  return adapter;
}

/** The process holding the embedded database (a running `npm start`), or null (free, or PostgreSQL). */
function embeddedHolder(config: Config): number | null {
  return config.databaseUrl ? null : dataDirHolder(config.dataDir);
}

/** Says why a command that opens the database cannot run beside the embedded server. */
function refuseBesideServer(config: Config, command: string, instead: string): void {
  const holder = embeddedHolder(config);
  if (holder === null) return;
  throw new UsageError(
    `${command} opens the embedded database, which the running server (process ${holder}) holds: stop it (Ctrl-C), run this, then npm start again.${instead ? ` ${instead}` : ''} With DATABASE_URL (PostgreSQL) it runs beside the server.`,
  );
}

async function apiKeyCreate(config: Config, args: string[]) {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, scope: { type: 'string', default: 'read' }, ...REMOTE_OPTIONS } });
  if (!values.name) throw new UsageError('api-key create needs --name');
  const scope = values.scope!.toUpperCase();
  if (!['READ', 'WRITE', 'ADMIN'].includes(scope)) throw new UsageError('--scope must be read, write or admin');
  const holder = embeddedHolder(config);
  if (holder !== null || values.url) {
    // The running server holds the embedded database: through its API (createApiKey, ADMIN key).
    const remote = remoteOf(config, values, 'api-key create', 'an ADMIN key', holder === null ? '' : ` (the running server, process ${holder}, holds the embedded database, so the key is created through its API; without an admin key: stop the server and run this again)`);
    const { createApiKey: created } = await graphql<{ createApiKey: { key: string; apiKey: { name: string; scopes: string[] } } }>(
      remote,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { name scopes } } }',
      { input: { name: values.name, scopes: [scope] } },
    );
    process.stdout.write(`Created API key "${created.apiKey.name}" (${created.apiKey.scopes.join(', ')}) through ${remote.url}. It is shown once; store it now:\n${created.key}\n`);
    return;
  }
  const { key, record } = await withDatabase(config, (db) => createApiKey(db.prisma, { name: values.name!, scopes: [scope as ApiKeyScope] }));
  process.stdout.write(`Created API key "${record.name}" (${record.scopes.join(', ')}). It is shown once; store it now:\n${key}\n`);
}

interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Every page of a connection field of Query (first: 100 each). */
async function allPages<T>(remote: Remote, field: string, selection: string): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  for (;;) {
    const data: Record<string, { edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> = await graphql(
      remote,
      `query($after: String) { ${field}(first: 100, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    const page = data[field]!;
    out.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return out;
    after = page.pageInfo.endCursor;
  }
}

const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

async function apiKeyList(config: Config, args: string[]) {
  const { values } = parseArgs({ args, options: REMOTE_OPTIONS });
  const remote = remoteOf(config, values, 'api-key list', 'an ADMIN key');
  const keys = await allPages<ApiKeyView>(remote, 'apiKeys', 'id name prefix scopes createdAt lastUsedAt revokedAt');
  if (keys.length === 0) return void process.stdout.write('no API keys\n');
  process.stdout.write(
    table([
      ['ID', 'PREFIX', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'],
      ...keys.map((k) => [k.id, k.prefix, k.name, k.scopes.join(','), day(k.createdAt), day(k.lastUsedAt), day(k.revokedAt)]),
    ]),
  );
}

async function apiKeyRevoke(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REMOTE_OPTIONS });
  const which = positionals[0];
  if (!which) throw new UsageError('api-key revoke needs the key\'s id or prefix (npm run cli -- api-key list shows both)');
  const remote = remoteOf(config, values, 'api-key revoke', 'an ADMIN key');
  const keys = await allPages<ApiKeyView>(remote, 'apiKeys', 'id name prefix scopes createdAt lastUsedAt revokedAt');
  const matches = keys.filter((k) => k.id === which || k.prefix === which);
  if (matches.length === 0) throw new UsageError(`no API key with id or prefix "${which}" (npm run cli -- api-key list)`);
  if (matches.length > 1) throw new UsageError(`"${which}" is the prefix of ${matches.length} keys: give the id`);
  const { revokeApiKey } = await graphql<{ revokeApiKey: ApiKeyView }>(remote, 'mutation($id: ID!) { revokeApiKey(id: $id) { id name prefix revokedAt } }', { id: matches[0]!.id });
  process.stdout.write(`Revoked API key "${revokeApiKey.name}" (${revokeApiKey.prefix}) at ${revokeApiKey.revokedAt}\n`);
}

async function usersList(config: Config, args: string[]) {
  const { values } = parseArgs({ args, options: REMOTE_OPTIONS });
  const remote = remoteOf(config, values, 'users list', 'an API key');
  const users = await allPages<{ id: string; externalId: string | null; createdAt: string; connections: { provider: string; status: string }[] }>(
    remote,
    'users',
    'id externalId createdAt connections { provider status }',
  );
  if (users.length === 0) return void process.stdout.write('no users\n');
  process.stdout.write(
    table([
      ['ID', 'EXTERNAL ID', 'CREATED', 'CONNECTIONS'],
      ...users.map((u) => [u.id, u.externalId ?? '-', day(u.createdAt), u.connections.map((c) => `${c.provider.toLowerCase()}:${c.status}`).join(' ') || '-']),
    ]),
  );
}

async function connectionsList(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REMOTE_OPTIONS });
  const which = positionals[0];
  if (!which) throw new UsageError('connections list needs a user: its id (users list) or its externalId');
  const remote = remoteOf(config, values, 'connections list', 'an API key');
  const selection = 'id externalId connections { id provider status sandbox lastSyncedAt lastError }';
  type UserView = { id: string; externalId: string | null; connections: { id: string; provider: string; status: string; sandbox: boolean; lastSyncedAt: string | null; lastError: string | null }[] };
  let user: UserView | null = null;
  try {
    user = (await graphql<{ user: UserView | null }>(remote, `query($id: ID!) { user(id: $id) { ${selection} } }`, { id: which })).user;
  } catch {
    // not a global ID: an externalId
  }
  user ??= (await graphql<{ userByExternalId: UserView | null }>(remote, `query($e: String!) { userByExternalId(externalId: $e) { ${selection} } }`, { e: which })).userByExternalId;
  if (!user) throw new UsageError(`no user with id or externalId "${which}" (npm run cli -- users list)`);
  process.stdout.write(`user ${user.id}${user.externalId ? ` (${user.externalId})` : ''}\n`);
  if (user.connections.length === 0) return void process.stdout.write('no connections\n');
  process.stdout.write(
    table([
      ['CONNECTION', 'PROVIDER', 'STATUS', 'SANDBOX', 'LAST SYNCED', 'LAST ERROR'],
      ...user.connections.map((c) => [c.id, c.provider.toLowerCase(), c.status, c.sandbox ? 'yes' : 'no', day(c.lastSyncedAt), c.lastError ?? '-']),
    ]),
  );
}

async function webhooks(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: REMOTE_OPTIONS });
  const [action, slug] = positionals;
  const adapter = providerArg(slug);
  if (action !== 'register' && action !== 'unregister') throw new UsageError('webhooks needs register or unregister');
  if (!adapter.webhookRegistrar && adapter.push) {
    // No registration API (Garmin): the operator enters the URL in the provider's portal.
    if (action === 'unregister') throw new UsageError(`${adapter.displayName} has no webhook registration API: remove the URL in its developer portal`);
    let url: string;
    try {
      url = webhookUrl(config, adapter);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    process.stdout.write(`${adapter.displayName} has no webhook registration API. Enter this URL for every data type (push) in its developer portal:
${url}
`);
    return;
  }
  const holder = embeddedHolder(config);
  if (holder !== null || values.url) {
    // The running server holds the embedded database: through its API (ADMIN key).
    const remote = remoteOf(config, values, `webhooks ${action}`, 'an ADMIN key', holder === null ? '' : ` (the running server, process ${holder}, holds the embedded database, so this goes through its API; or stop the server and run this again)`);
    const field = action === 'register' ? 'registerProviderWebhook' : 'unregisterProviderWebhook';
    type View = { externalId: string; url: string; events: string[]; signed: boolean } | null;
    const data = await graphql<Record<string, View>>(remote, `mutation($p: Provider!) { ${field}(provider: $p) { externalId url events signed } }`, { p: adapter.id });
    const webhook = data[field];
    if (action === 'register' && webhook) {
      process.stdout.write(`${adapter.displayName} webhook ${webhook.externalId} -> ${webhook.url} (${webhook.events.join(', ')})\n`);
      if (!webhook.signed) process.stdout.write('warning: no signature secret is stored; deliveries will be rejected until one is.\n');
    } else if (!webhook) throw new UsageError(`no ${adapter.displayName} webhook is registered`);
    else process.stdout.write(`${adapter.displayName} webhook ${webhook.externalId} removed\n`);
    return;
  }
  await withDatabase(config, async (db) => {
    const deps = { prisma: db.prisma, config, cipher: loadTokenCipher(config), http: createHttpClient() };
    if (action === 'register') {
      const webhook = await registerProviderWebhook(deps, adapter);
      process.stdout.write(`${adapter.displayName} webhook ${webhook.externalId} -> ${webhook.url} (${webhook.events.join(', ')})\n`);
      if (!webhook.secretEncrypted) process.stdout.write('warning: no signature secret is stored; deliveries will be rejected until one is.\n');
    } else {
      const removed = await unregisterProviderWebhook(deps, adapter);
      if (!removed) throw new UsageError(`no ${adapter.displayName} webhook is registered`);
      process.stdout.write(`${adapter.displayName} webhook ${removed.externalId} removed\n`);
    }
  });
}

/** A user as the API names it (its global ID) or by the id inside it; refused when there is no such user. */
async function userIdArg(db: Database, value: string): Promise<string> {
  const id = rawIdOf(value, 'User');
  if (!(await db.prisma.user.findUnique({ where: { id }, select: { id: true } }))) {
    throw new UsageError(`no user "${value}": give the User id the API returns (createUser, users { edges { node { id } } })`);
  }
  return id;
}

async function replay(config: Config, args: string[]) {
  const { values } = parseArgs({ args, options: { provider: { type: 'string' }, user: { type: 'string' } } });
  const provider: Provider | undefined = values.provider ? (deviceProviderBySlug(values.provider) ?? providerArg(values.provider)).id : undefined;
  refuseBesideServer(config, 'replay', 'To fetch data again through the API instead: resyncConnection (npm run cli -- sync <connectionId>).');
  const counts = await withDatabase(config, async (db) => {
    const userId = values.user === undefined ? undefined : await userIdArg(db, values.user);
    return replayRawPayloads(db.prisma, { provider, userId, workoutPriority: config.providerPriority.workout }, (done, total) => {
      process.stderr.write(`\rreplayed ${done}/${total} raw payloads`);
    });
  });
  process.stderr.write('\n');
  process.stdout.write(`payloads ${counts.fetched}, records created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, skipped ${counts.skipped}\n`);
  for (const reason of counts.skippedReasons.slice(0, 20)) process.stdout.write(`  ${reason.dataType} ${reason.providerRecordId}: ${reason.reason}\n`);
}

/**
 * The server a remote command talks to: --url, else SERVER_URL, else the URL the running embedded
 * server wrote into DATA_DIR, else http://localhost:$PORT; and its key: --key, else API_KEY.
 */
function remoteOf(config: Config, values: { url?: string; key?: string }, command: string, needs = 'an API key with WRITE scope', why = ''): Remote {
  const key = values.key ?? config.client.apiKey;
  if (!key) throw new UsageError(`${command} needs ${needs}: --key or API_KEY (the admin key printed by the first npm start works)${why}`);
  return { url: (values.url ?? serverUrlOf(config)).replace(/\/$/, ''), key };
}

async function demo(config: Config, args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      'external-id': { type: 'string', default: 'demo' },
      'redirect-uri': { type: 'string' },
      days: { type: 'string', default: '14' },
      ...REMOTE_OPTIONS,
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError('--days must be 1..366');
  const remote = remoteOf(config, values, 'demo');
  const board = new ProgressBoard(process.stderr);
  process.stderr.write(`Demo on ${remote.url}: a user with the sandbox providers backfilled, and a week pushed from sandbox phones (Apple Health, Health Connect).\n`);
  const result = await runDemo(remote, {
    externalId: values['external-id']!,
    redirectUri: values['redirect-uri'],
    days,
    log: (line) => board.log(line),
    progress: board,
  });
  process.stdout.write(demoInstructions(remote, result));
}

async function sync(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, ...REMOTE_OPTIONS },
  });
  const connectionId = positionals[0];
  if (!connectionId) throw new UsageError('sync needs a connection id (Connection.id from the API)');
  const remote = remoteOf(config, values, 'sync');
  await graphql(remote, 'mutation($id: ID!, $from: LocalDate, $to: LocalDate) { resyncConnection(connectionId: $id, from: $from, to: $to) { id } }', {
    id: connectionId,
    from: values.from,
    to: values.to,
  });
  let last: SyncProgressView | null = null;
  await subscribe<{ syncProgress: SyncProgressView }>(
    remote,
    'subscription($id: ID!) { syncProgress(connectionId: $id) { kind phase windowsDone windowsTotal fetched recordsWritten skipped error message } }',
    { id: connectionId },
    ({ syncProgress: p }) => {
      last = p;
      const line = `${progressBar(p.windowsDone, p.windowsTotal)} ${p.windowsDone}/${p.windowsTotal} windows, ${p.fetched} fetched, ${p.recordsWritten} written, ${p.skipped} skipped (${p.message ?? p.phase})`;
      process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  const final = last as SyncProgressView | null;
  if (!final) throw new Error('no progress was reported');
  if (final.phase === 'FAILED') throw new Error(`sync failed: ${final.error}`);
  process.stdout.write(`sync ${final.phase.toLowerCase()}: ${final.fetched} fetched, ${final.recordsWritten} written, ${final.skipped} skipped\n`);
}

/**
 * Without --new-key: rewrites every secret not yet under ENCRYPTION_KEY (decrypting with
 * ENCRYPTION_KEY_PREVIOUS): the last step of the zero-downtime rotation in the README.
 * With --new-key (or NEW_ENCRYPTION_KEY): rewrites everything under that key. In embedded mode
 * with the generated key file, the file is switched first and the old key kept in
 * encryption.key.previous, so an interrupted run loses nothing.
 */
async function rotateKey(config: Config, args: string[]) {
  const { values } = parseArgs({ args, options: { 'new-key': { type: 'string' }, check: { type: 'boolean', default: false } } });
  const base = loadTokenCipher(config);
  const newKeyRaw = values['new-key'] ?? process.env.NEW_ENCRYPTION_KEY;
  const target = newKeyRaw ? base.withCurrentKey(parseKey(newKeyRaw)) : base;
  if (values.check) {
    const stale = await withDatabase(config, (db) => countStaleSecrets(db.prisma, target));
    process.stdout.write(`${stale} rows hold secrets not yet under key ${target.keyId}\n`);
    if (stale > 0) process.exitCode = 1;
    return;
  }
  const keyFile = !config.encryptionKey && !config.databaseUrl;
  if (newKeyRaw && keyFile && target.keyId !== base.keyId) {
    const file = path.join(config.dataDir, KEY_FILE_NAME);
    fs.appendFileSync(path.join(config.dataDir, PREVIOUS_KEY_FILE_NAME), fs.readFileSync(file, 'utf8').trim() + '\n', { mode: 0o600 });
    fs.writeFileSync(`${file}.tmp`, parseKey(newKeyRaw).toString('hex') + '\n', { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }
  const result = await withDatabase(config, (db) =>
    rotateEncryptionKey(db.prisma, target, { onProgress: (n) => process.stderr.write(`\rre-encrypted ${n} values`) }),
  );
  process.stderr.write('\n');
  process.stdout.write(
    `re-encrypted under key ${target.keyId}: ${result.connections} connections, ${result.oauthStates} OAuth states, ${result.providerWebhooks} webhook secrets\n`,
  );
  for (const failure of result.failures) process.stdout.write(`  not re-encrypted: ${failure.table} ${failure.id}: ${failure.reason}\n`);
  if (newKeyRaw && !keyFile && target.keyId !== base.keyId) {
    process.stdout.write(
      `now set ENCRYPTION_KEY to the new key (id ${target.keyId}) and ENCRYPTION_KEY_PREVIOUS to the old one (id ${base.keyId}) on every process\n`,
    );
  }
  if (newKeyRaw && keyFile && target.keyId !== base.keyId) {
    process.stdout.write(`${path.join(config.dataDir, KEY_FILE_NAME)} now holds the new key; the old one stays in ${PREVIOUS_KEY_FILE_NAME} for decryption\n`);
  }
  if (result.failures.length) process.exitCode = 1;
}

/** `import apple-health export.zip --user ID` / `import samsung-health <folder|zip> --user ID`: streamed into the database (stop `npm start` first in embedded mode). */
async function importExport(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { user: { type: 'string' } } });
  const [platform, file] = positionals;
  if (platform !== 'apple-health' && platform !== 'samsung-health') {
    throw new UsageError('import takes apple-health (the Health app\'s export.zip) or samsung-health (the "Download personal data" folder or its zip)');
  }
  if (!file) throw new UsageError(platform === 'apple-health' ? 'import apple-health needs the export file: export.zip (or its export.xml)' : 'import samsung-health needs the export folder (or its zip)');
  if (!fs.existsSync(file)) throw new UsageError(`no file "${file}"`);
  if (!values.user) throw new UsageError('import needs --user USER_ID (the User id the API returns)');
  const importer = platform === 'apple-health' ? importAppleExport : importSamsungExport;
  const result = await withDatabase(config, async (db) => {
    const userId = await userIdArg(db, values.user!);
    const imported = await importer(db.prisma, {
      userId,
      file,
      workoutPriority: config.providerPriority.workout,
      onProgress: (p) => {
        const line = `${progressBar(p.bytesRead, p.bytesTotal)} ${(p.bytesRead / 1e6).toFixed(0)}/${(p.bytesTotal / 1e6).toFixed(0)} MB, ${p.records} records, ${p.imported} imported, ${p.skipped} skipped`;
        process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
      },
    });
    // The scores follow now, as after a push or a sync (not at the next 5-minute sweep).
    if (imported.recordsChanged) await requestRecomputeFromOutside(db, config, createLogger({ level: 'warn' }), [userId]);
    return imported;
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(
    `${result.records} records in ${result.seconds.toFixed(1)} s (${Math.round(result.records / Math.max(result.seconds, 0.001))}/s): ${result.imported} imported, ${result.unchanged} unchanged, ${result.skipped} skipped\n`,
  );
  for (const [type, c] of Object.entries(result.byType).sort((a, b) => b[1].read - a[1].read)) {
    process.stdout.write(`  ${type.replace(/^HK(Quantity|Category)TypeIdentifier/, '')}: ${c.read} read, ${c.stored} stored, ${c.skipped} skipped\n`);
    for (const [reason, n] of Object.entries(c.reasons)) process.stdout.write(`      ${n} skipped: ${reason}\n`);
  }
}

/** Streams GET /export/v1/{type}.{format} to stdout or --out (the gateway checks the arguments and the boundary). */
async function exportRecords(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      user: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const type = positionals[0];
  if (!type) throw new UsageError(`export needs a type: ${EXPORT_TYPES.join(', ')} or all`);
  if (!values.from || !values.to) throw new UsageError('export needs --from and --to (local dates YYYY-MM-DD, inclusive)');
  const remote = remoteOf(config, values, 'export', 'an API key with READ scope or a user token with SELF_READ');
  const query = new URLSearchParams({ from: values.from, to: values.to, ...(values.user ? { user: values.user } : {}) });
  const path = `/export/v1/${encodeURIComponent(type)}.${encodeURIComponent(values.format!)}?${query}`;
  let out: NodeJS.WritableStream = process.stdout;
  if (values.out) {
    // Never over an existing file; a failed export removes only the file it created.
    try {
      out = fs.createWriteStream(values.out, { fd: fs.openSync(values.out, 'wx', 0o600) });
    } catch (error) {
      throw new UsageError(`--out ${values.out}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'the file exists; choose another name or remove it' : (error as Error).message}`);
    }
  }
  try {
    const bytes = await download(remote, path, out);
    if (values.out) process.stderr.write(`wrote ${bytes} bytes to ${values.out}\n`);
  } catch (error) {
    if (values.out) fs.rmSync(values.out, { force: true });
    throw error;
  }
}

type SyncProgressView = Pick<SyncProgressEvent, 'kind' | 'phase' | 'windowsDone' | 'windowsTotal' | 'fetched' | 'recordsWritten' | 'skipped' | 'error' | 'message'>;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const config = loadConfig();
  reportDeprecations(config, (message) => process.stderr.write(`warning: ${message}\n`));
  if (command === 'api-key' && rest[0] === 'create') return apiKeyCreate(config, rest.slice(1));
  if (command === 'api-key' && rest[0] === 'list') return apiKeyList(config, rest.slice(1));
  if (command === 'api-key' && rest[0] === 'revoke') return apiKeyRevoke(config, rest.slice(1));
  if (command === 'users' && rest[0] === 'list') return usersList(config, rest.slice(1));
  if (command === 'connections' && rest[0] === 'list') return connectionsList(config, rest.slice(1));
  if (command === 'webhooks') return webhooks(config, rest);
  if (command === 'replay') return replay(config, rest);
  if (command === 'sync') return sync(config, rest);
  if (command === 'demo') return demo(config, rest);
  if (command === 'import') return importExport(config, rest);
  if (command === 'export') return exportRecords(config, rest);
  if (command === 'rotate-encryption-key') return rotateKey(config, rest);
  throw new UsageError(command ? `unknown command "${argv.join(' ')}"` : 'no command given');
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError) {
    // The usage first and the error last, where the eye lands.
    process.stderr.write(`${USAGE}\n\nerror: ${error.message}\n`);
    process.exit(64);
  }
  process.stderr.write(`${error instanceof ConfigError ? 'configuration error' : 'error'}: ${(error as Error).message}\n`);
  process.exit(1);
});

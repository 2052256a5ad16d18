/**
 * Wires the parts together: database, migrations, the initial API key, token encryption, the job
 * queue and sync engine, and the HTTP/GraphQL server. main.ts adds the listener; tests use the
 * app directly through yoga.fetch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type PgBoss from 'pg-boss';
import { ensureInitialApiKey } from './auth/api-keys.js';
import { checkEncryptionKey } from './security/key-check.js';
import { BoundaryFactory } from './auth/boundary.js';
import { IdpTokenVerifier } from './auth/idp.js';
import { PrincipalResolver } from './auth/principal.js';
import { signingKeys, UserTokenSigner } from './auth/user-tokens.js';
import type { Config } from './config.js';
import { ConnectionService } from './connections/service.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { InFlight } from './http/in-flight.js';
import { useExportRoutes } from './http/routes/export.js';
import { INGEST_PREFIX, useIngestRoutes } from './http/routes/ingest.js';
import { useOAuthCallback } from './http/routes/oauth-callback.js';
import { useLandingPages } from './http/routes/landing.js';
import { useSandboxRoutes } from './http/routes/sandbox.js';
import { useWebhookRoutes } from './http/routes/webhooks.js';
import { PrincipalRateLimits } from './http/use-rate-limit.js';
import { createYogaServer, type YogaServer } from './http/yoga.js';
import { useMcpEndpoint } from './mcp/http.js';
import { formatLocalDate } from './normalize/time.js';
import { createLogger, registerSecret, type Logger } from './logger.js';
import type { HttpClient } from './providers/http.js';
import { startSandbox, type SandboxRuntime } from './sandbox/runtime.js';
import { loadTokenCipher, type TokenCipher } from './security/crypto.js';
import type { StartupPhases } from './startup-phases.js';
import { ScoresEngine } from './derived/jobs.js';
import { SyncEngine } from './sync/engine.js';
import { createQueue, trackWork } from './sync/queue.js';

export interface App {
  config: Config;
  database: Database;
  yoga: YogaServer;
  /**
   * The HTTP listener main.ts serves: yoga, with each request's handling tracked until it ends
   * (also when its client hung up), so close() drains it before anything it uses stops.
   */
  requestListener: (request: IncomingMessage, response: ServerResponse) => void;
  /** Request handling still running (see requestListener); close() waits for it. */
  inFlight: InFlight;
  logger: Logger;
  cipher: TokenCipher;
  boss: PgBoss;
  sync: SyncEngine;
  /** The open scores' jobs (src/derived/). */
  scores: ScoresEngine;
  connections: ConnectionService;
  /** Bearer credentials -> principals, and their boundaries: shared by every API over these services. */
  principals: PrincipalResolver;
  boundaries: BoundaryFactory;
  /** The built-in provider simulators (null with SANDBOX=false). */
  sandbox: SandboxRuntime | null;
  /** Migrations applied by this start (empty when the database was current). */
  appliedMigrations: string[];
  /** An admin key generated at this start, to show the operator once. */
  generatedApiKey: string | null;
  /** Keys exist but no admin key was ever used (the banner says how to get one). */
  adminKeyNeverUsed: boolean;
  /** Drains in-flight requests (at most drainTimeoutMs, default 25 s), then stops the jobs, the simulators and the database, in that order. */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}

export interface AppOptions {
  /** An already-open database (tests); otherwise opened from the configuration. */
  database?: Database;
  logger?: Logger;
  /** Provider HTTP client (tests use short back-off delays). */
  http?: HttpClient;
  /** Today's local date (tests pin it to the fakes' clock). */
  today?: () => string;
  /** Whether to work sync jobs in this process (default: config.sync.workersInProcess). */
  workers?: boolean;
  /** false (`npm run worker`): this process serves no HTTP, so its sandbox simulators are only for its own syncs. */
  servesHttp?: boolean;
  /** Receives a mark at the end of each start-up phase (main.ts logs them at debug level). */
  phases?: StartupPhases;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger();
  for (const secret of [...Object.values(config.providers).flatMap((p) => p.secrets), config.encryptionKey, config.initialApiKey, ...config.encryptionKeysPrevious, config.userTokens.signingKey, ...config.userTokens.signingKeysPrevious]) {
    registerSecret(secret);
  }
  const cipher = loadTokenCipher(config);
  const mark = (phase: string) => options.phases?.mark(phase);
  const database = options.database ?? (await openDatabase(config));
  mark('database');
  let boss: PgBoss | null = null;
  let sandbox: SandboxRuntime | null = null;
  try {
    // Before anything asks a provider for its settings: they point at the simulators' listeners.
    if (config.sandbox.enabled) sandbox = await startSandbox(config, logger, undefined, { servedOverHttp: options.servesHttp ?? true });
    mark('sandbox');
    const appliedMigrations = await migrate(database);
    if (appliedMigrations.length) logger.info('applied migrations', { migrations: appliedMigrations });
    mark('migrations');
    await checkEncryptionKey(database.prisma, cipher);
    const { generatedKey, adminKeyNeverUsed } = await ensureInitialApiKey(database.prisma, config.initialApiKey);
    mark('adminKey');
    boss = await createQueue(database, config.databaseUrl ?? (database as { url?: string }).url ?? null, logger, {
      jobTimeoutSeconds: config.sync.jobTimeoutSeconds,
      pollingIntervalSeconds: config.sync.pollingIntervalSeconds,
      maintenanceIntervalSeconds: Math.min(120, Math.max(1, config.sync.jobTimeoutSeconds)),
    });
    // Job handlers still running at shutdown finish before pg-boss stops and the database closes.
    const jobs = new InFlight();
    trackWork(boss, jobs);
    const prisma = database.prisma;
    const scores = new ScoresEngine({ prisma, boss, config, logger });
    const sync = new SyncEngine({ prisma, boss, cipher, config, logger, http: options.http, today: options.today, ownsDatabase: Boolean(database.pglite), onRecordsStored: (userId) => scores.requestRecompute(userId) });
    mark('queue');
    await sync.createQueues();
    await scores.createQueues();
    mark('createQueues');
    if (options.workers ?? config.sync.workersInProcess) {
      await sync.startWorkers({ pollingIntervalSeconds: config.sync.pollingIntervalSeconds });
      await scores.startWorkers({ pollingIntervalSeconds: config.sync.pollingIntervalSeconds });
    }
    mark('workers');
    const connections = new ConnectionService({ prisma, config, cipher, sync, logger });
    const signer = new UserTokenSigner({
      keys: signingKeys(config.userTokens, () => cipher.deriveKeys('wearable-graph user tokens v1')),
      publicUrl: config.publicUrl,
    });
    const principals = new PrincipalResolver({ prisma, signer, idp: config.userTokens.idp ? new IdpTokenVerifier(config.userTokens.idp) : null });
    const boundaries = new BoundaryFactory(prisma);
    const services = { prisma, config, cipher, sync, scores, connections, principals, boundaries };
    const webhookRoutes = useWebhookRoutes({ prisma, config, cipher, sync, logger, boss });
    const rateLimits = new PrincipalRateLimits({ perMinute: config.graphql.rateLimitPerMinute, userPerMinute: config.userTokens.rateLimitPerMinute });
    const today = options.today ?? (() => formatLocalDate(new Date()));
    const inFlight = new InFlight();
    const yoga = createYogaServer({
      inFlight,
      services,
      logger,
      rateLimits,
      ownBodyLimits: [INGEST_PREFIX],
      plugins: [
        useIngestRoutes({ prisma, config, logger, principals, rateLimits, onRecordsChanged: (userId) => scores.requestRecompute(userId) }),
        useExportRoutes({ prisma, logger, principals, boundaries, rateLimits }),
        useMcpEndpoint({ services, logger, rateLimits, today }),
        ...(sandbox ? [useSandboxRoutes(sandbox)] : []),
        useOAuthCallback({ prisma, config, cipher, connections, logger }),
        useLandingPages(config),
        webhookRoutes,
      ],
    });
    mark('yoga');
    const startedBoss = boss;
    return {
      config,
      database,
      yoga,
      requestListener: (request, response) => {
        inFlight.track(yoga(request, response)).catch(() => {});
      },
      inFlight,
      logger,
      cipher,
      boss: startedBoss,
      sync,
      scores,
      connections,
      principals,
      boundaries,
      sandbox,
      appliedMigrations,
      generatedApiKey: generatedKey,
      adminKeyNeverUsed,
      async close({ drainTimeoutMs = 25_000 } = {}) {
        const deadline = Date.now() + drainTimeoutMs;
        const left = () => Math.max(1_000, deadline - Date.now());
        // Requests whose clients hung up (and operations the request timeout answered early) still
        // run after the listener closed: they finish before the queue and the database they use stop.
        if (!(await inFlight.drain(drainTimeoutMs))) {
          logger.warn('stopping with requests still running: they may fail as the database closes', { requests: inFlight.size, waitedSeconds: drainTimeoutMs / 1000 });
        }
        // Deliveries already accepted are recorded (and answered) before the database closes.
        await webhookRoutes.close();
        // No new jobs are fetched; the running ones finish (within what is left of the budget)
        // while pg-boss and the database are still there to complete them.
        await sync.stopWorkers();
        await scores.stopWorkers();
        if (!(await jobs.drain(left()))) {
          logger.warn('stopping with jobs still running: the queue releases them for a retry', { jobs: jobs.size });
        }
        await startedBoss.stop({ graceful: true, wait: true, timeout: Math.min(10_000, left()) });
        await sandbox?.close();
        await database.close();
      },
    };
  } catch (error) {
    await boss?.stop({ graceful: false, wait: true }).catch(() => {});
    await sandbox?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}

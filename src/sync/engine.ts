/**
 * The sync engine. A sync of a connection is a SyncRun; each (data type, window) of it is one
 * durable job. Jobs fetch through the provider adapter, store raw payloads and normalized records
 * idempotently, and add their counts to the run. Provider trouble is classified:
 *   401            -> connection NEEDS_REAUTH, run FAILED, no retry
 *   429 / budget   -> the window waits (re-queued for when the app-wide rate budget allows it,
 *                     src/sync/rate-budget.ts), keeping what it stored and where to resume
 *   permanent      -> (a sandbox connection with SANDBOX=false, a data type the provider lacks,
 *                     another 4xx) never retried: the run fails at once with the reason, and a
 *                     PermanentSyncError naming a connection status sets it (classifySyncError)
 *   5xx / network  -> retried by the queue with exponential backoff, then the run records the error
 */
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import type { Prisma, PrismaClient, SyncRun } from '../generated/prisma/client.js';
import type { Provider, SyncKind } from '../generated/prisma/enums.js';
import type { Logger } from '../logger.js';
import { addDays, formatLocalDate } from '../normalize/time.js';
import { createHttpClient, ProviderAuthError, ProviderForbiddenError, ProviderHttpError, ProviderRateLimitError, type HttpClient } from '../providers/http.js';
import { providerById, PROVIDERS } from '../providers/registry.js';
import type { ConnectionContext, ProviderAdapter, SyncWindow } from '../providers/types.js';
import type { Json } from '../normalize/records.js';
import type { TokenCipher } from '../security/crypto.js';
import { registerProviderWebhook } from '../connections/webhook-admin.js';
import { needsRefresh, refreshConnection, refreshDueConnections } from '../oauth/refresh.js';
import { JobLeases } from './leases.js';
import { loggedJobs } from './queue.js';
import { addCounts, emptyCounts, storeItems, type StoreCounts } from './store.js';
import { budgetedHttp, RateBudgets, type BudgetPriority } from './rate-budget.js';
import { planWindows } from './windows.js';
import { processPushDelivery, PUSH_QUEUE, type KnownConnection } from './push-intake.js';

/** An error no retry can cure. With a connection status, the connection cannot sync at all until someone acts. */
export class PermanentSyncError extends Error {
  constructor(
    message: string,
    readonly connectionStatus: 'ERROR' | 'NEEDS_REAUTH' | null = null,
  ) {
    super(message);
    this.name = 'PermanentSyncError';
  }
}

/**
 * The one classification of a window's failure. 401 and 429 have their own paths; a 4xx other than
 * a timeout, a conflict or a rate limit will answer the same next time, so it is permanent.
 */
export function classifySyncError(error: unknown): 'reauth' | 'rateLimited' | 'permanent' | 'transient' {
  if (error instanceof ProviderAuthError) return 'reauth';
  if (error instanceof ProviderRateLimitError) return 'rateLimited';
  if (error instanceof PermanentSyncError || error instanceof ProviderForbiddenError) return 'permanent';
  if (error instanceof ProviderHttpError && error.status >= 400 && error.status < 500 && ![408, 409, 425, 429].includes(error.status)) return 'permanent';
  return 'transient';
}

export const WINDOW_QUEUE = 'sync-window';
export const DUE_QUEUE = 'sync-due';
export const REFRESH_QUEUE = 'token-refresh';
export const WEBHOOK_MAINTENANCE_QUEUE = 'webhook-maintenance';
/** Ends a push-awaiting run whose data did not all arrive by its awaitUntil. */
export const AWAIT_QUEUE = 'sync-await-timeout';
const WEBHOOK_MAINTENANCE_SECONDS = 12 * 3600;
const REFRESH_TICK_SECONDS = 300;
const MAX_SKIPPED_REASONS = 200;
const RETRY_LIMIT = 5;
/** pg-boss job priority of webhook-triggered windows: fetched before backfills and periodic syncs. */
export const WEBHOOK_JOB_PRIORITY = 10;

export interface WindowJob {
  runId: string;
  connectionId: string;
  dataType: string;
  from: string;
  to: string;
  /** Set when the window was delayed mid-way: where to continue (RawBatch.resume) and what it had stored. */
  resume?: Json;
  carried?: StoreCounts;
  /** Fetch these records by id (DataTypeDefinition.fetchById) instead of the window (webhook events naming records). */
  ids?: string[];
}

/** A window's key in SyncRun.doneWindows (and its job's singleton key after the run id). */
export const windowKeyOf = (job: Pick<WindowJob, 'dataType' | 'from' | 'ids'>): string => (job.ids ? `${job.dataType}:ids` : `${job.dataType}:${job.from}`);

/** One connection's share of a webhook group commit (requestCoalescedSyncs). */
export interface CoalescedSyncRequest {
  connectionId: string;
  provider: Provider;
  window: SyncWindow;
  dataTypes: string[];
  /** Per data type, records to fetch by id (its fetchById), beside the windows of `dataTypes`. */
  ids?: Record<string, string[]>;
}

export interface SyncEngineDeps {
  prisma: PrismaClient;
  boss: PgBoss;
  cipher: TokenCipher;
  config: Config;
  logger: Logger;
  http?: HttpClient;
  /** Today's local date; tests pin it. */
  today?: () => string;
  /** This process alone uses the database (embedded PGlite): active jobs found at start belong to a dead predecessor. */
  ownsDatabase?: boolean;
  /** Called after a window stored new or changed records of a user (the scores jobs queue a recompute). */
  onRecordsStored?: (userId: string) => Promise<void>;
}

export class SyncEngine {
  private readonly http: HttpClient;
  private readonly today: () => string;
  /** The providers' app-wide rate budgets (shared through the database). */
  readonly budgets: RateBudgets;
  private workerIds: string[] = [];
  private readonly leases: JobLeases;
  private dueTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private maintenanceTimer: NodeJS.Timeout | null = null;
  /** Per connection: the tail of the coalescing planners queued in this process (requestSync coalesce). */
  private coalescing = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: SyncEngineDeps) {
    this.leases = new JobLeases(deps.boss, deps.logger, [WINDOW_QUEUE, DUE_QUEUE, REFRESH_QUEUE, WEBHOOK_MAINTENANCE_QUEUE, PUSH_QUEUE, AWAIT_QUEUE]);
    this.http = deps.http ?? createHttpClient();
    this.today = deps.today ?? (() => formatLocalDate(new Date()));
    this.budgets = new RateBudgets(deps.prisma);
  }

  async createQueues(): Promise<void> {
    await this.deps.boss.createQueue(WINDOW_QUEUE, { name: WINDOW_QUEUE, retryLimit: RETRY_LIMIT, retryDelay: 2, retryBackoff: true });
    await this.deps.boss.createQueue(DUE_QUEUE, { name: DUE_QUEUE, retryLimit: 1 });
    await this.deps.boss.createQueue(REFRESH_QUEUE, { name: REFRESH_QUEUE, retryLimit: 1 });
    await this.deps.boss.createQueue(WEBHOOK_MAINTENANCE_QUEUE, { name: WEBHOOK_MAINTENANCE_QUEUE, retryLimit: 2, retryDelay: 60 });
    await this.deps.boss.createQueue(PUSH_QUEUE, { name: PUSH_QUEUE, retryLimit: RETRY_LIMIT, retryDelay: 2, retryBackoff: true });
    await this.deps.boss.createQueue(AWAIT_QUEUE, { name: AWAIT_QUEUE, retryLimit: 2 });
  }

  /** Starts working jobs in this process (the server does by default; `npm run worker` too). */
  async startWorkers(options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
    await this.createQueues();
    // Jobs of a worker that died (kill -9) are retried within seconds, not after the job timeout.
    if (this.deps.ownsDatabase) await this.leases.reclaim(0);
    this.leases.start();
    const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    // pg-boss waits a full polling interval after every fetch, even a fruitful one; a worker that
    // found a job asks for the next one at once instead, so a backlog drains at full speed.
    let windowWorkerId = '';
    windowWorkerId = await this.deps.boss.work<WindowJob>(
      WINDOW_QUEUE,
      { includeMetadata: true, pollingIntervalSeconds, batchSize: 1 },
      loggedJobs(
        this.deps.logger,
        WINDOW_QUEUE,
        async ([job]) => {
          try {
            await this.leases.run([job!], () => this.runWindowJob(job!));
          } finally {
            if (windowWorkerId) this.deps.boss.notifyWorker(windowWorkerId);
          }
        },
        { failuresLogged: true, fields: (job) => ({ runId: job.data.runId, connectionId: job.data.connectionId, dataType: job.data.dataType, from: job.data.from, to: job.data.to }) },
      ),
    );
    this.workerIds.push(
      windowWorkerId,
      await this.deps.boss.work(DUE_QUEUE, { pollingIntervalSeconds: Math.max(pollingIntervalSeconds, 5) }, loggedJobs(this.deps.logger, DUE_QUEUE, (jobs) => this.leases.run(jobs, () => this.syncDueConnections()))),
      await this.deps.boss.work(
        REFRESH_QUEUE,
        { pollingIntervalSeconds: Math.max(pollingIntervalSeconds, 5) },
        loggedJobs(this.deps.logger, REFRESH_QUEUE, (jobs) =>
          this.leases.run(jobs, async () => {
            await refreshDueConnections(this.deps);
          }),
        ),
      ),
    );
    let pushWorkerId = '';
    pushWorkerId = await this.deps.boss.work<{ deliveryId: string }>(PUSH_QUEUE, { pollingIntervalSeconds, batchSize: 1 }, loggedJobs(this.deps.logger, PUSH_QUEUE, async ([job]) => {
      try {
        await this.leases.run([job!], async () => {
          await this.processPushDelivery(job!.data.deliveryId);
        });
      } finally {
        if (pushWorkerId) this.deps.boss.notifyWorker(pushWorkerId);
      }
    }, { fields: (job) => ({ deliveryId: job.data.deliveryId }) }));
    this.workerIds.push(
      pushWorkerId,
      await this.deps.boss.work<{ runId: string }>(
        AWAIT_QUEUE,
        { pollingIntervalSeconds },
        loggedJobs(this.deps.logger, AWAIT_QUEUE, (jobs) =>
          this.leases.run(jobs, async () => {
            for (const job of jobs) await this.completeRunIfDone(job.data.runId);
          }),
        ),
      ),
    );
    // Tokens are refreshed ahead of expiry by a scheduled job, not only when a call fails.
    const refreshTick = () =>
      this.deps.boss
        .send(REFRESH_QUEUE, {}, { singletonKey: 'token-refresh', singletonSeconds: REFRESH_TICK_SECONDS })
        .catch((error) => this.deps.logger.warn('could not schedule token refresh', { error }));
    void refreshTick();
    this.workerIds.push(
      await this.deps.boss.work(
        WEBHOOK_MAINTENANCE_QUEUE,
        { pollingIntervalSeconds: Math.max(pollingIntervalSeconds, 30) },
        loggedJobs(this.deps.logger, WEBHOOK_MAINTENANCE_QUEUE, (jobs) =>
          this.leases.run(jobs, async () => {
            await this.maintainWebhooks();
          }),
        ),
      ),
    );
    // Webhook subscriptions expire at some providers (Oura): re-registering is idempotent and renews them.
    const maintenanceTick = () =>
      this.deps.boss
        .send(WEBHOOK_MAINTENANCE_QUEUE, {}, { singletonKey: 'webhook-maintenance', singletonSeconds: WEBHOOK_MAINTENANCE_SECONDS })
        .catch((error) => this.deps.logger.warn('could not schedule webhook maintenance', { error }));
    void maintenanceTick();
    this.maintenanceTimer = setInterval(maintenanceTick, 3600 * 1000);
    this.maintenanceTimer.unref();
    this.refreshTimer = setInterval(refreshTick, REFRESH_TICK_SECONDS * 1000);
    this.refreshTimer.unref();
    const interval = this.deps.config.sync.intervalSeconds;
    if (interval > 0) {
      // Every replica asks; the singleton key lets one request per interval through.
      const tick = () =>
        this.deps.boss
          .send(DUE_QUEUE, {}, { singletonKey: 'sync-due', singletonSeconds: interval })
          .catch((error) => this.deps.logger.warn('could not schedule periodic sync', { error }));
      this.dueTimer = setInterval(tick, Math.min(interval, 300) * 1000);
      this.dueTimer.unref();
    }
  }

  /** Wakes idle workers now instead of at their next poll. */
  notifyWorkers(): void {
    for (const id of this.workerIds) this.deps.boss.notifyWorker(id);
  }

  async stopWorkers(): Promise<void> {
    if (this.dueTimer) clearInterval(this.dueTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    if (this.maintenanceTimer) clearInterval(this.maintenanceTimer);
    for (const id of this.workerIds) await this.deps.boss.offWork({ id });
    this.workerIds = [];
    await this.leases.stop();
  }

  adapterFor(provider: Provider): ProviderAdapter {
    return providerById(provider);
  }

  /** Plans a run: one job per data type and window. Returns the run. */
  async requestSync(
    connectionId: string,
    kind: SyncKind,
    options: {
      window?: SyncWindow;
      dataTypes?: string[];
      /** The connection's provider, sandbox flag and lastSyncedAt, when the caller has just read them (saves a statement). */
      connection?: { provider: Provider; sandbox: boolean; lastSyncedAt: Date | null };
      /** Join a covering run of this connection and kind none of whose jobs has started (webhooks). */
      coalesce?: boolean;
    } = {},
  ): Promise<SyncRun> {
    const { prisma, boss, config } = this.deps;
    const connection = options.connection ?? (await prisma.connection.findUniqueOrThrow({ where: { id: connectionId } }));
    const adapter = this.adapterFor(connection.provider);
    const today = this.today();
    const window = options.window ?? this.defaultWindow(kind, connection.lastSyncedAt, today, config.sync.backfillDays);
    const dataTypes = adapter.dataTypes.filter((d) => !options.dataTypes || options.dataTypes.includes(d.name));
    if (options.coalesce) {
      // One coalescing planner per connection at a time in this process: concurrent deliveries
      // would otherwise all miss each other's runs and each plan their own. (Across replicas they
      // may still: that only costs an extra run.)
      const previous = this.coalescing.get(connectionId) ?? Promise.resolve();
      const planned = previous.then(async () => {
        const pending = await this.pendingRunCovering(connectionId, kind, window, dataTypes.map((d) => d.name));
        if (pending) {
          this.deps.logger.debug('sync coalesced into a run that has not started yet', { connectionId, kind, runId: pending.id });
          return pending;
        }
        return this.planRun(connectionId, kind, window, dataTypes, today, connection.sandbox);
      });
      const settled = planned.catch(() => undefined);
      this.coalescing.set(connectionId, settled);
      void settled.then(() => {
        if (this.coalescing.get(connectionId) === settled) this.coalescing.delete(connectionId);
      });
      return planned;
    }
    return this.planRun(connectionId, kind, window, dataTypes, today, connection.sandbox);
  }

  /**
   * requestSync with coalesce for a whole group of connections at once, inside the caller's
   * transaction `tx` (webhook group commit): each request joins a covering WEBHOOK run of its
   * connection none of whose jobs has started, or gets a new run and its jobs. At most four
   * statements for the group, whatever its size. The caller calls notifyWorkers() after committing.
   * Callers must not run two of these for one connection concurrently in this process (they would
   * miss each other's runs; across replicas that only costs an extra run).
   */
  async requestCoalescedSyncs(tx: Prisma.TransactionClient, requests: CoalescedSyncRequest[]): Promise<Map<string, { runId: string; joined: boolean }>> {
    const kind: SyncKind = 'WEBHOOK';
    const today = this.today();
    const outcome = new Map<string, { runId: string; joined: boolean }>();
    if (!requests.length) return outcome;
    const planned = requests.map((request) => ({
      request,
      dataTypes: this.adapterFor(request.provider).dataTypes.filter((d) => request.dataTypes.includes(d.name)),
    }));
    // Records named by id are fetched by a run of their own: no pending run covers them.
    const joinable = planned.filter(({ request }) => !request.ids);
    const pending = await this.pendingRunsCovering(tx, kind, joinable.map(({ request, dataTypes }) => ({ connectionId: request.connectionId, window: request.window, dataTypes: dataTypes.map((d) => d.name) })));
    const runs: Prisma.SyncRunCreateManyInput[] = [];
    const jobs: PgBoss.JobInsert<WindowJob>[] = [];
    for (const { request, dataTypes } of planned) {
      const joined = pending.get(request.connectionId);
      if (joined) {
        outcome.set(request.connectionId, { runId: joined, joined: true });
        continue;
      }
      const runId = randomUUID();
      const windows: Omit<WindowJob, 'runId' | 'connectionId'>[] = dataTypes.flatMap((dataType) => planWindows(dataType, request.window, today).map((w) => ({ dataType: dataType.name, ...w })));
      for (const [dataType, ids] of Object.entries(request.ids ?? {})) windows.push({ dataType, ...request.window, ids });
      runs.push({
        id: runId,
        connectionId: request.connectionId,
        kind,
        windowFrom: new Date(`${request.window.from}T00:00:00Z`),
        windowTo: new Date(`${request.window.to}T00:00:00Z`),
        dataTypes: [...new Set([...dataTypes.map((d) => d.name), ...Object.keys(request.ids ?? {})])],
        windowsTotal: windows.length,
        ...(windows.length === 0 ? { status: 'SUCCEEDED' as const, finishedAt: new Date() } : {}),
      });
      for (const w of windows) {
        jobs.push({ name: WINDOW_QUEUE, data: { runId, connectionId: request.connectionId, ...w }, singletonKey: `${runId}:${windowKeyOf(w)}`, priority: WEBHOOK_JOB_PRIORITY });
      }
      outcome.set(request.connectionId, { runId, joined: false });
    }
    if (runs.length) await tx.syncRun.createMany({ data: runs });
    if (jobs.length) {
      // The jobs commit with the runs and the caller's rows: pg-boss writes through the transaction.
      const db = {
        executeSql: async (text: string, values: unknown[]) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values.map((v) => v ?? null)) }),
      };
      await this.deps.boss.insert(jobs, { db });
    }
    this.deps.logger.debug('webhook syncs planned', { runs: runs.length, jobs: jobs.length, joined: requests.length - runs.length });
    return outcome;
  }

  /**
   * Per connection: the newest RUNNING run of this kind covering its window and data types each of
   * whose windows still has a job no worker has picked up (every fetch of it starts after now; see
   * pendingRunCovering), in one statement for all connections.
   */
  private async pendingRunsCovering(
    tx: Prisma.TransactionClient,
    kind: SyncKind,
    wanted: { connectionId: string; window: SyncWindow; dataTypes: string[] }[],
  ): Promise<Map<string, string>> {
    // `state < 'active'` lets pg-boss's partial index on waiting jobs find them.
    const candidates = await tx.$queryRaw<{ id: string; connectionId: string; windowFrom: Date; windowTo: Date; dataTypes: string[]; windowsTotal: number; waiting: number }[]>`
      WITH runs AS (
        SELECT "id", "connectionId", "windowFrom", "windowTo", "dataTypes", "windowsTotal", "startedAt" FROM "SyncRun"
        WHERE "connectionId" = ANY(${wanted.map((w) => w.connectionId)}::text[]) AND "kind" = ${kind}::"SyncKind"
          AND "status" = 'RUNNING' AND "windowsDone" = 0 AND "windowsTotal" > 0
      ), waiting AS (
        SELECT split_part(singleton_key, ':', 1) AS "runId", count(*)::int AS n FROM pgboss.job
        WHERE name = ${WINDOW_QUEUE} AND state < 'active' AND state = 'created' AND split_part(singleton_key, ':', 1) IN (SELECT "id" FROM runs)
          AND split_part(singleton_key, ':', 3) <> 'ids'
        GROUP BY 1
      )
      SELECT runs."id", runs."connectionId", runs."windowFrom", runs."windowTo", runs."dataTypes", runs."windowsTotal", COALESCE(waiting.n, 0)::int AS "waiting"
      FROM runs LEFT JOIN waiting ON waiting."runId" = runs."id"
      ORDER BY runs."startedAt" DESC`;
    const result = new Map<string, string>();
    for (const { connectionId, window, dataTypes } of wanted) {
      const from = new Date(`${window.from}T00:00:00Z`).getTime();
      const to = new Date(`${window.to}T00:00:00Z`).getTime();
      const run = candidates.find(
        (r) =>
          r.connectionId === connectionId &&
          r.waiting === r.windowsTotal &&
          new Date(r.windowFrom).getTime() <= from &&
          new Date(r.windowTo).getTime() >= to &&
          dataTypes.every((d) => r.dataTypes.includes(d)),
      );
      if (run) result.set(connectionId, run.id);
    }
    return result;
  }

  private async planRun(connectionId: string, kind: SyncKind, window: SyncWindow, dataTypes: ProviderAdapter['dataTypes'], today: string, sandbox: boolean): Promise<SyncRun> {
    const { prisma, boss } = this.deps;
    const jobs = dataTypes.flatMap((dataType) =>
      planWindows(dataType, window, today).map((w) => ({ dataType: dataType.name, ...w })),
    );
    const run = await prisma.syncRun.create({
      data: {
        connectionId,
        kind,
        windowFrom: new Date(`${window.from}T00:00:00Z`),
        windowTo: new Date(`${window.to}T00:00:00Z`),
        dataTypes: dataTypes.map((d) => d.name),
        windowsTotal: jobs.length,
        ...(jobs.length === 0 ? { status: 'SUCCEEDED', finishedAt: new Date() } : {}),
      },
    });
    for (const job of jobs) {
      await boss.send(WINDOW_QUEUE, { runId: run.id, connectionId, ...job } satisfies WindowJob, {
        singletonKey: `${run.id}:${job.dataType}:${job.from}`,
        ...(kind === 'WEBHOOK' ? { priority: WEBHOOK_JOB_PRIORITY } : {}),
      });
    }
    this.deps.logger.info('sync planned', {
      connectionId,
      kind,
      runId: run.id,
      windows: jobs.length,
      from: window.from,
      to: window.to,
      ...(sandbox ? { sandbox: true } : {}),
    });
    this.notifyWorkers();
    return run;
  }

  /**
   * A RUNNING run of this connection and kind that covers the window and data types and none of
   * whose window jobs has been picked up by a worker yet (all planned jobs queued and still
   * "created"): every fetch of it starts after now, so it also fetches whatever a webhook delivery
   * announced now. A burst of deliveries for one user becomes a few runs instead of one per delivery.
   */
  private async pendingRunCovering(connectionId: string, kind: SyncKind, window: SyncWindow, dataTypes: string[]): Promise<SyncRun | null> {
    const { prisma } = this.deps;
    const candidates = await prisma.syncRun.findMany({
      where: {
        connectionId,
        kind,
        status: 'RUNNING',
        windowsDone: 0,
        windowFrom: { lte: new Date(`${window.from}T00:00:00Z`) },
        windowTo: { gte: new Date(`${window.to}T00:00:00Z`) },
        dataTypes: { hasEvery: dataTypes },
      },
      orderBy: { startedAt: 'desc' },
      take: 3,
    });
    for (const run of candidates) {
      if (run.windowsTotal === 0) continue;
      const [jobs] = await prisma.$queryRawUnsafe<{ total: number; waiting: number }[]>(
        `SELECT count(*)::int AS total, (count(*) FILTER (WHERE state = 'created' AND split_part(singleton_key, ':', 3) <> 'ids'))::int AS waiting FROM pgboss.job WHERE name = $1 AND singleton_key LIKE $2`,
        WINDOW_QUEUE,
        `${run.id}:%`,
      );
      // A run fetching records by id covers no window for them: never joined (waiting < total).
      if (jobs && jobs.total === run.windowsTotal && jobs.waiting === run.windowsTotal) return run;
    }
    return null;
  }

  private defaultWindow(kind: SyncKind, lastSyncedAt: Date | null, today: string, backfillDays: number): SyncWindow {
    const todayDate = new Date(`${today}T00:00:00Z`);
    // A resync without dates fetches the backfill range again (what a user asking for it wants);
    // the periodic INCREMENTAL sync is what covers the last days.
    if (kind === 'BACKFILL' || kind === 'RESYNC' || !lastSyncedAt) {
      return { from: formatLocalDate(addDays(todayDate, -(backfillDays - 1))), to: today };
    }
    // Two days of overlap: providers revise the last nights (late uploads, recomputed scores).
    const from = addDays(new Date(`${formatLocalDate(lastSyncedAt)}T00:00:00Z`), -2);
    return { from: formatLocalDate(from), to: today };
  }

  /** Re-registers every stored provider webhook (renews expiring subscriptions, fixes a changed URL). */
  async maintainWebhooks(): Promise<void> {
    const webhooks = await this.deps.prisma.providerWebhook.findMany();
    for (const webhook of webhooks) {
      try {
        await registerProviderWebhook({ ...this.deps, http: this.http }, this.adapterFor(webhook.provider));
      } catch (error) {
        this.deps.logger.warn('webhook maintenance failed; will retry', { provider: webhook.provider, error });
      }
    }
  }

  /**
   * Queued every SYNC_INTERVAL_SECONDS: an incremental sync of every active connection, except those
   * whose backfill or previous periodic sync is still running (e.g. waiting for the rate budget):
   * a second full-range run on top would only compete with it for the same budget.
   */
  async syncDueConnections(): Promise<number> {
    const due = new Date(Date.now() - this.deps.config.sync.intervalSeconds * 1000);
    const connections = await this.deps.prisma.connection.findMany({
      where: {
        status: 'ACTIVE',
        // Push providers deliver on their own, and device providers (not in PROVIDERS) push from the phone: nothing to poll.
        provider: { in: PROVIDERS.filter((p) => !p.push).map((p) => p.id) },
        OR: [{ lastSyncedAt: null }, { lastSyncedAt: { lt: due } }],
        syncRuns: { none: { status: 'RUNNING', kind: { in: ['BACKFILL', 'INCREMENTAL'] } } },
      },
      select: { id: true },
    });
    for (const { id } of connections) await this.requestSync(id, 'INCREMENTAL');
    return connections.length;
  }

  /** `priority`: how the provider calls draw on the app-wide rate budget (webhook-triggered work goes first). */
  async connectionContext(
    connectionId: string,
    priority: BudgetPriority = 'background',
  ): Promise<{ context: ConnectionContext; adapter: ProviderAdapter; provider: Provider; userId: string; status: string }> {
    let connection = await this.deps.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    if (needsRefresh(connection)) {
      await refreshConnection(this.deps, connectionId);
      connection = await this.deps.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    }
    const adapter = this.adapterFor(connection.provider);
    if (!connection.accessTokenEncrypted) throw new ProviderAuthError('connection has no access token');
    if (connection.sandbox && !this.deps.config.sandbox.enabled) {
      throw new PermanentSyncError(
        `This is a sandbox connection (simulated ${adapter.displayName}) and SANDBOX=false: it cannot sync. Disconnect it, or set SANDBOX=true.`,
        'ERROR',
      );
    }
    // A sandbox connection syncs from the simulator, a real one from the provider: never mixed.
    const settings = adapter.settings(this.deps.config, { sandbox: connection.sandbox });
    // The budget belongs to the client (application): one key per provider and client id.
    const reader = adapter.rateLimit;
    const read = reader && ((headers: Headers, now: number) => reader(headers, now, settings.extras));
    const http = budgetedHttp(this.http, this.budgets, { key: `${adapter.slug}:${settings.credentials?.clientId ?? '-'}`, priority, read });
    return {
      adapter,
      provider: connection.provider,
      userId: connection.userId,
      status: connection.status,
      context: {
        http,
        accessToken: this.deps.cipher.decrypt(connection.accessTokenEncrypted),
        userId: connection.userId,
        providerUserId: connection.providerUserId,
        settings,
      },
    };
  }

  /**
   * Fetches and stores one window of one data type. `progress` (when given) follows what is
   * stored: the counts and the last batch's resume point, for a window delayed mid-way.
   */
  async syncWindow(job: WindowJob, priority: BudgetPriority = 'background', progress: WindowProgress = newProgress(job)): Promise<StoreCounts> {
    const { context, adapter, provider, userId } = await this.connectionContext(job.connectionId, priority);
    const definition = adapter.dataTypes.find((d) => d.name === job.dataType);
    if (!definition) throw new PermanentSyncError(`${adapter.displayName} has no data type "${job.dataType}"`);
    if (job.ids && !definition.fetchById) throw new PermanentSyncError(`${adapter.displayName} cannot fetch "${job.dataType}" by id`);
    const batches = job.ids ? definition.fetchById!(context, job.ids) : definition.fetch(context, { from: job.from, to: job.to }, progress.resume);
    for await (const batch of batches) {
      addCounts(
        progress.counts,
        await storeItems(this.deps.prisma, { userId, provider }, batch.items, (p) => definition.map(p), {
          workoutPriority: this.deps.config.providerPriority.workout,
        }),
      );
      // Acknowledge at the provider only once everything of the batch is stored.
      if (batch.commit) await batch.commit();
      if (batch.resume !== undefined) progress.resume = batch.resume;
      if (batch.awaitPushSeconds !== undefined) progress.awaitPushSeconds = Math.max(progress.awaitPushSeconds ?? 0, batch.awaitPushSeconds);
    }
    const counts = progress.counts;
    if (counts.created + counts.updated > 0) await this.deps.onRecordsStored?.(userId);
    return counts;
  }

  /** Records of the user changed outside a sync run (a delete event removed some): derived data follows. */
  async recordsChanged(userId: string): Promise<void> {
    await this.deps.onRecordsStored?.(userId);
  }

  /** A 401 with a refreshable token: refresh once (the provider may have expired it early) and retry. */
  private async syncWindowRefreshingOn401(job: WindowJob, priority: BudgetPriority, progress: WindowProgress): Promise<StoreCounts> {
    try {
      return await this.syncWindow(job, priority, progress);
    } catch (error) {
      if (!(error instanceof ProviderAuthError)) throw error;
      const outcome = await refreshConnection(this.deps, job.connectionId, { force: true });
      if (outcome !== 'refreshed' && outcome !== 'refreshed_elsewhere') throw error;
      return this.syncWindow(job, priority, progress);
    }
  }

  private async runWindowJob(job: PgBoss.JobWithMetadata<WindowJob>): Promise<void> {
    const { prisma, logger } = this.deps;
    const data = job.data;
    const run = await prisma.syncRun.findUnique({ where: { id: data.runId }, include: { connection: { select: { status: true } } } });
    if (!run || run.status !== 'RUNNING') return; // run finished (e.g. failed on 401) or connection deleted
    if (run.connection.status !== 'ACTIVE') {
      await this.finishWindow(data, emptyCounts(), `connection is ${run.connection.status}`);
      return;
    }
    const priority: BudgetPriority = run.kind === 'WEBHOOK' ? 'interactive' : 'background';
    const progress = newProgress(data);
    try {
      const counts = await this.syncWindowRefreshingOn401(data, priority, progress);
      if (progress.awaitPushSeconds !== undefined) await this.awaitPush(data, progress.awaitPushSeconds);
      await this.finishWindow(data, counts, null);
    } catch (error) {
      const kind = classifySyncError(error);
      if (kind === 'reauth') {
        await prisma.connection.update({
          where: { id: data.connectionId },
          data: { status: 'NEEDS_REAUTH', lastError: `The provider refused our access token (${(error as Error).message}); the user must connect again.` },
        });
        await this.failRun(data.runId, 'access token refused by the provider (401): connection needs re-authorisation');
        logger.warn('connection needs re-authorisation', { connectionId: data.connectionId });
        return;
      }
      if (kind === 'rateLimited' && error instanceof ProviderRateLimitError) {
        // Delayed, not failed: the same window later, with what it stored and where to resume.
        const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
        const until = new Date(Date.now() + seconds * 1000);
        logger.info('rate budget spent; window waits', { connectionId: data.connectionId, dataType: data.dataType, until: until.toISOString(), stored: progress.counts.fetched });
        await prisma.syncRun.updateMany({ where: { id: data.runId, status: 'RUNNING' }, data: { waitingUntil: until } });
        await this.deps.boss.send(WINDOW_QUEUE, { ...data, resume: progress.resume, carried: progress.counts } satisfies WindowJob, {
          startAfter: until,
          singletonKey: `${data.runId}:${data.dataType}:${data.from}:${Date.now()}`,
          ...(priority === 'interactive' ? { priority: WEBHOOK_JOB_PRIORITY } : {}),
        });
        return;
      }
      const message = (error as Error).message ?? String(error);
      if (kind === 'permanent') {
        const connectionStatus = error instanceof PermanentSyncError ? error.connectionStatus : null;
        logger.error('sync failed: permanent error, not retried', { connectionId: data.connectionId, dataType: data.dataType, error: message });
        if (connectionStatus) {
          await prisma.connection.update({ where: { id: data.connectionId }, data: { status: connectionStatus, lastError: message } });
          // The connection cannot sync at all: the whole run fails now, its other windows stop at their start.
          await this.failRun(data.runId, message);
        } else {
          await this.finishWindow(data, emptyCounts(), `${data.dataType} ${data.from}..${data.to}: ${message}`);
        }
        return;
      }
      if (job.retryCount < job.retryLimit) {
        logger.warn('sync window failed; will retry', { connectionId: data.connectionId, dataType: data.dataType, attempt: job.retryCount + 1, error: message });
        throw error;
      }
      logger.error('sync window failed for good', { connectionId: data.connectionId, dataType: data.dataType, error: message });
      await this.finishWindow(data, progress.counts, `${data.dataType} ${data.from}..${data.to}: ${message}`);
    }
  }

  private async finishWindow(job: WindowJob, counts: StoreCounts, error: string | null): Promise<void> {
    const { prisma } = this.deps;
    const runId = job.runId;
    const windowKey = windowKeyOf(job);
    // Counted once per window, whatever happens to the job: the condition, the counters and the
    // appended reasons are one statement, so concurrent windows of one run never lose each other's
    // reasons (bounded to MAX_SKIPPED_REASONS, first come first kept).
    await prisma.$executeRaw`
      UPDATE "SyncRun" SET
        "doneWindows" = array_append("doneWindows", ${windowKey}),
        "windowsDone" = "windowsDone" + 1,
        "fetched" = "fetched" + ${counts.fetched},
        "created" = "created" + ${counts.created},
        "updated" = "updated" + ${counts.updated},
        "unchanged" = "unchanged" + ${counts.unchanged},
        "skipped" = "skipped" + ${counts.skipped},
        "skippedReasons" = (
          SELECT COALESCE(jsonb_agg(reason ORDER BY position), '[]'::jsonb)
          FROM jsonb_array_elements("skippedReasons" || ${JSON.stringify(counts.skippedReasons)}::jsonb) WITH ORDINALITY AS t(reason, position)
          WHERE position <= ${MAX_SKIPPED_REASONS}
        ),
        "error" = COALESCE(${error}, "error"),
        "waitingUntil" = CASE WHEN "waitingUntil" <= now() THEN NULL ELSE "waitingUntil" END
      WHERE "id" = ${runId} AND NOT (${windowKey} = ANY("doneWindows"))`;
    // Also when the window was counted already, check whether the run is complete: the
    // job that counted it may have lost its database connection right after (pg_terminate_backend,
    // a crash) before finishing the run, and this retry is the last chance to do it.
    await this.completeRunIfDone(runId);
  }

  /**
   * Finishes a RUNNING run whose windows are all done, unless data a push provider accepted to
   * send (awaitingTypes) has not all arrived yet and its awaitUntil has not passed.
   */
  async completeRunIfDone(runId: string): Promise<void> {
    const { prisma } = this.deps;
    const run = await prisma.syncRun.findUnique({ where: { id: runId } });
    if (!run) return;
    const outstanding = run.awaitingTypes.filter((t) => !run.arrivedTypes.includes(t));
    if (outstanding.length && run.awaitUntil && run.awaitUntil.getTime() > Date.now()) return;
    if (run.windowsDone >= run.windowsTotal && run.status === 'RUNNING') {
      const failed = run.error !== null;
      const { count: finished } = await prisma.syncRun.updateMany({
        where: { id: runId, status: 'RUNNING' },
        data: { status: failed ? 'FAILED' : 'SUCCEEDED', finishedAt: new Date() },
      });
      if (finished === 0) return;
      this.logRunFinished({ ...run, status: failed ? 'FAILED' : 'SUCCEEDED' });
      await prisma.connection.update({
        where: { id: run.connectionId },
        data: failed ? { lastError: run.error } : { lastSyncedAt: new Date(), lastError: null },
      });
    }
  }

  /** A window's data will be pushed later: the run awaits its type for up to `seconds` more. */
  private async awaitPush(job: WindowJob, seconds: number): Promise<void> {
    const until = new Date(Date.now() + seconds * 1000);
    await this.deps.prisma.$executeRaw`
      UPDATE "SyncRun" SET
        "awaitingTypes" = CASE WHEN ${job.dataType} = ANY("awaitingTypes") THEN "awaitingTypes" ELSE array_append("awaitingTypes", ${job.dataType}) END,
        "awaitUntil" = GREATEST(COALESCE("awaitUntil", ${until}), ${until})
      WHERE "id" = ${job.runId} AND "status" = 'RUNNING'`;
    await this.deps.boss.send(AWAIT_QUEUE, { runId: job.runId }, { startAfter: until, singletonKey: `${job.runId}:${job.dataType}:${job.from}:await` });
  }

  /** Pushed data of these types arrived for a connection: its running runs awaiting them may finish. */
  async recordArrivals(connectionId: string, dataTypes: string[]): Promise<void> {
    const runs = await this.deps.prisma.$queryRaw<{ id: string }[]>`
      UPDATE "SyncRun" SET "arrivedTypes" = ARRAY(SELECT DISTINCT unnest("arrivedTypes" || ${dataTypes}::text[]) ORDER BY 1)
      WHERE "connectionId" = ${connectionId} AND "status" = 'RUNNING'
      RETURNING "id"`;
    for (const { id } of runs) await this.completeRunIfDone(id);
  }

  /** Maps one push delivery (src/sync/push-intake.ts). */
  async processPushDelivery(deliveryId: string) {
    const { prisma, logger, config } = this.deps;
    const outcome = await processPushDelivery(
      {
        prisma,
        logger,
        adapterFor: (provider) => this.adapterFor(provider),
        store: async (connection: KnownConnection, items) => {
          const definitions = new Map(this.adapterFor(connection.provider).dataTypes.map((d) => [d.name, d] as const));
          const counts = await storeItems(prisma, { userId: connection.userId, provider: connection.provider }, items, (payload, item) => {
            const definition = definitions.get(item.dataType);
            return definition ? definition.map(payload) : { ok: false, reason: `no data type "${item.dataType}"` };
          }, { workoutPriority: config.providerPriority.workout });
          if (counts.created + counts.updated > 0) await this.deps.onRecordsStored?.(connection.userId);
          return counts;
        },
        fetchPushed: async (connection, entry) => {
          const { context, adapter } = await this.connectionContext(connection.id, 'interactive');
          if (!adapter.push?.fetchPushed) throw new PermanentSyncError(`${adapter.displayName} has no ping mode`);
          try {
            return await adapter.push.fetchPushed(context, entry);
          } catch (error) {
            // A callback URL that will never answer (410 after its one download, 404): the rest of the delivery goes on.
            if (classifySyncError(error) !== 'permanent') throw error;
            logger.warn('push callback could not be fetched; skipped', { provider: adapter.id, dataType: entry.dataType, error: (error as Error).message });
            return [];
          }
        },
        arrived: (connectionId, dataTypes) => this.recordArrivals(connectionId, dataTypes),
      },
      deliveryId,
    );
    if (outcome) logger.info('push delivery processed', { entries: outcome.entries, created: outcome.counts.created, updated: outcome.counts.updated, unchanged: outcome.counts.unchanged, skipped: outcome.counts.skipped });
    return outcome;
  }

  private async failRun(runId: string, error: string): Promise<void> {
    const { count } = await this.deps.prisma.syncRun.updateMany({ where: { id: runId, status: 'RUNNING' }, data: { status: 'FAILED', error, finishedAt: new Date() } });
    if (count > 0) this.logRunFinished(await this.deps.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } }));
  }

  /** One info line per finished run: what an operator reads to know a sync happened and what it did. */
  private logRunFinished(run: SyncRun): void {
    const { id, connectionId, kind, status, windowsDone, windowsTotal, fetched, created, updated, unchanged, skipped, error, startedAt } = run;
    const fields = { runId: id, connectionId, kind, status, windows: `${windowsDone}/${windowsTotal}`, fetched, created, updated, unchanged, skipped, durationMs: Date.now() - startedAt.getTime() };
    this.deps.logger.info('sync run finished', error ? { ...fields, error } : fields);
  }
}

/** What a window job has stored so far (a delayed window carries it into its next run). */
interface WindowProgress {
  counts: StoreCounts;
  resume: Json | undefined;
  /** The window's data will be pushed (RawBatch.awaitPushSeconds). */
  awaitPushSeconds?: number;
}

function newProgress(job: WindowJob): WindowProgress {
  const counts = emptyCounts();
  if (job.carried) addCounts(counts, job.carried);
  return { counts, resume: job.resume };
}

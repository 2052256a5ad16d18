/**
 * The scores jobs, in the same durable pg-boss queue as the sync:
 *   scores-user      a user's records changed (ScoreDirty): recompute from the earliest changed
 *                    date to the last record date under the configured parameter hash
 *                    (stately: at most one waiting job per user, however many syncs ask);
 *   scores-run-user  one user of a ScoreRun: recompute everything under the run's hash, then
 *                    count the user; the last user finishes the run, which makes its hash the
 *                    one answers are read under, and removes the rows of older hashes;
 *   scores-sweep     every SWEEP_SECONDS (5 min) and at start: queue the dirty users and the run's users
 *                    that have no job (a crash between a commit and a send loses nothing).
 * Nothing here runs in a request.
 */
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import { readQueryFor, type Database, type ReadQuery } from '../db/database.js';
import type { PrismaClient, ScoreRun } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { addLocalDays } from '../normalize/time.js';
import { createQueue } from '../sync/queue.js';
import { computeScores, heartRateLookbackDays, lookbackDays } from '../scores/index.js';
import { loggedJobs } from '../sync/queue.js';
import { markScoresDirty } from './dirty.js';
import { loadUserRecords, recordDateBounds } from './records.js';
import { replaceScores, storedDailyLoads } from './store.js';

export const SCORES_USER_QUEUE = 'scores-user';
export const SCORES_RUN_QUEUE = 'scores-run-user';
export const SCORES_SWEEP_QUEUE = 'scores-sweep';
const SWEEP_SECONDS = 300;

export interface ScoresEngineDeps {
  prisma: PrismaClient;
  boss: PgBoss;
  config: Config;
  logger: Logger;
}

export interface RecomputeOutcome {
  from: string | null;
  to: string | null;
  days: number;
  scores: number;
}

export class ScoresEngine {
  private readonly read: ReadQuery;
  private workerIds: string[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ScoresEngineDeps) {
    const { prisma } = deps;
    this.read = readQueryFor(prisma) ?? ((sql, params) => prisma.$queryRawUnsafe(sql, ...params));
  }

  get parameterHash(): string {
    return this.deps.config.scores.parameterHash;
  }

  async createQueues(): Promise<void> {
    const { boss } = this.deps;
    await boss.createQueue(SCORES_USER_QUEUE, { name: SCORES_USER_QUEUE, policy: 'stately', retryLimit: 3, retryDelay: 5, retryBackoff: true });
    await boss.createQueue(SCORES_RUN_QUEUE, { name: SCORES_RUN_QUEUE, policy: 'stately', retryLimit: 3, retryDelay: 5, retryBackoff: true });
    await boss.createQueue(SCORES_SWEEP_QUEUE, { name: SCORES_SWEEP_QUEUE, retryLimit: 1 });
  }

  async startWorkers(options: { pollingIntervalSeconds?: number } = {}): Promise<void> {
    await this.createQueues();
    const { boss, logger } = this.deps;
    const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    this.workerIds.push(
      await boss.work<{ userId: string }>(SCORES_USER_QUEUE, { pollingIntervalSeconds }, loggedJobs(logger, SCORES_USER_QUEUE, async ([job]) => {
        await this.recomputeDirty(job!.data.userId);
      }, { fields: (job) => ({ userId: job.data.userId }) })),
      await boss.work<{ runId: string; userId: string }>(SCORES_RUN_QUEUE, { pollingIntervalSeconds }, loggedJobs(logger, SCORES_RUN_QUEUE, async ([job]) => {
        await this.runUser(job!.data.runId, job!.data.userId);
      }, { fields: (job) => ({ runId: job.data.runId, userId: job.data.userId }) })),
      await boss.work(SCORES_SWEEP_QUEUE, { pollingIntervalSeconds: Math.max(pollingIntervalSeconds, 5) }, loggedJobs(logger, SCORES_SWEEP_QUEUE, async () => {
        await this.sweep();
      })),
    );
    await this.ensureRun();
    await this.sweep();
    const tick = () =>
      boss.send(SCORES_SWEEP_QUEUE, {}, { singletonKey: 'scores-sweep', singletonSeconds: SWEEP_SECONDS }).catch((error) => logger.warn('could not schedule the scores sweep', { error }));
    this.sweepTimer = setInterval(tick, SWEEP_SECONDS * 1000);
    this.sweepTimer.unref();
  }

  async stopWorkers(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const id of this.workerIds) await this.deps.boss.offWork({ id });
    this.workerIds = [];
  }

  /**
   * Queues the user's recompute (after a sync stored records; ScoreDirty says from when), starting
   * SCORES_RECOMPUTE_DELAY_SECONDS later: while it waits, further requests for the user are
   * dropped (stately queue), so a backfill's windows add up to one recompute.
   */
  async requestRecompute(userId: string): Promise<void> {
    await this.deps.boss.send(SCORES_USER_QUEUE, { userId }, { singletonKey: userId, startAfter: this.deps.config.scores.recomputeDelaySeconds });
  }

  /**
   * Recomputes `userId` under `hash` from `from` (null: from the first record) to the last record
   * date, continuing the training-load series from the stored loads before `from`.
   */
  async recomputeUser(userId: string, from: string | null, hash = this.parameterHash): Promise<RecomputeOutcome> {
    const params = this.deps.config.scores.parameters;
    const bounds = await recordDateBounds(this.read, userId);
    if (!bounds) {
      await replaceScores(this.deps.prisma, userId, hash, '0001-01-01', []);
      return { from: null, to: null, days: 0, scores: 0 };
    }
    const start = from === null || from < bounds.first ? bounds.first : from;
    if (start > bounds.last) {
      await replaceScores(this.deps.prisma, userId, hash, start, []);
      return { from: start, to: bounds.last, days: 0, scores: 0 };
    }
    const [records, priorLoads] = await Promise.all([
      loadUserRecords(this.read, userId, addLocalDays(start, -lookbackDays(params)), addLocalDays(start, -heartRateLookbackDays(params)), bounds.last),
      start > bounds.first ? storedDailyLoads(this.read, userId, hash, start) : Promise.resolve(new Map<string, number>()),
    ]);
    const results = computeScores(records, params, { from: start, to: bounds.last, priority: this.deps.config.providerPriority, priorLoads });
    await replaceScores(this.deps.prisma, userId, hash, start, results);
    return { from: start, to: bounds.last, days: results.length / 6, scores: results.length };
  }

  /** scores-user: claims the user's ScoreDirty mark and recomputes from it (re-marks on failure). */
  async recomputeDirty(userId: string): Promise<RecomputeOutcome | null> {
    const [claimed] = await this.read<{ fromDate: string }>(`DELETE FROM "ScoreDirty" WHERE "userId" = $1 RETURNING to_char("fromDate", 'YYYY-MM-DD') AS "fromDate"`, [userId]);
    if (!claimed) return null;
    try {
      const outcome = await this.recomputeUser(userId, claimed.fromDate);
      this.deps.logger.debug('scores recomputed', { userId, ...outcome });
      return outcome;
    } catch (error) {
      await markScoresDirty(this.deps.prisma, userId, claimed.fromDate);
      throw error;
    }
  }

  /** Starts the run of the configured hash unless one exists (one per hash, whichever replica is first). */
  async ensureRun(): Promise<ScoreRun> {
    const { prisma, logger } = this.deps;
    const hash = this.parameterHash;
    const [created] = await this.read<{ id: string; usersTotal: number }>(
      `INSERT INTO "ScoreRun" ("id", "parameterHash", "usersTotal") SELECT $1, $2, count(*)::int FROM "User"
       ON CONFLICT ("parameterHash") DO NOTHING RETURNING "id", "usersTotal"`,
      [randomUUID(), hash],
    );
    if (created) logger.info('scores: recomputing every user under a new parameter hash', { parameterHash: hash, users: created.usersTotal });
    return this.maybeFinish(await prisma.scoreRun.findUniqueOrThrow({ where: { parameterHash: hash } }));
  }

  /** scores-run-user: one user of a run. */
  async runUser(runId: string, userId: string): Promise<void> {
    const run = await this.deps.prisma.scoreRun.findUnique({ where: { id: runId } });
    if (!run || run.status !== 'RUNNING' || run.doneUsers.includes(userId)) return;
    if (run.parameterHash !== this.parameterHash) {
      // A replica configured with other parameters cannot compute this run's values: leave it to
      // one that has them (it is retried, and the sweep of a matching replica sends it again).
      throw new Error(`scores run ${run.parameterHash} needs its own parameters; this process has ${this.parameterHash}`);
    }
    const exists = await this.deps.prisma.user.count({ where: { id: userId } });
    if (exists) await this.recomputeUser(userId, null, run.parameterHash);
    await this.deps.prisma.$executeRaw`
      UPDATE "ScoreRun" SET "doneUsers" = array_append("doneUsers", ${userId}), "usersDone" = "usersDone" + 1
      WHERE "id" = ${runId} AND NOT (${userId} = ANY("doneUsers"))`;
    await this.maybeFinish(await this.deps.prisma.scoreRun.findUniqueOrThrow({ where: { id: runId } }));
  }

  /** Finishes a run whose users are all done: its hash becomes the answered one; older hashes' rows go. */
  private async maybeFinish(run: ScoreRun): Promise<ScoreRun> {
    if (run.status !== 'RUNNING' || run.usersDone < run.usersTotal) return run;
    const { prisma, logger } = this.deps;
    const { count } = await prisma.scoreRun.updateMany({ where: { id: run.id, status: 'RUNNING' }, data: { status: 'SUCCEEDED', finishedAt: new Date() } });
    if (count) {
      // Rows of hashes neither answered now nor being computed by a newer run.
      const removed = await prisma.$executeRaw`
        DELETE FROM "DailyScore" WHERE "parameterHash" <> ${run.parameterHash}
          AND "parameterHash" NOT IN (SELECT "parameterHash" FROM "ScoreRun" WHERE "status" = 'RUNNING')`;
      logger.info('scores: run finished; answers now use its parameter hash', { parameterHash: run.parameterHash, users: run.usersTotal, removedRows: removed });
    }
    return prisma.scoreRun.findUniqueOrThrow({ where: { id: run.id } });
  }

  /**
   * Queues what has no job yet: the dirty users, and the users of the running run not counted yet
   * (stately queues drop a send whose job is already waiting). Users created after the run started
   * are added to it; users deleted since are counted as done.
   */
  async sweep(): Promise<void> {
    const { prisma, boss } = this.deps;
    const dirty = await prisma.scoreDirty.findMany({ select: { userId: true } });
    for (const { userId } of dirty) await this.requestRecompute(userId);
    const run = await prisma.scoreRun.findUnique({ where: { parameterHash: this.parameterHash } });
    if (!run || run.status !== 'RUNNING') return;
    const users = await prisma.user.findMany({ where: { id: { notIn: run.doneUsers } }, select: { id: true } });
    await prisma.scoreRun.updateMany({ where: { id: run.id, status: 'RUNNING' }, data: { usersTotal: run.usersDone + users.length } });
    if (users.length) {
      await boss.insert(users.map(({ id }) => ({ name: SCORES_RUN_QUEUE, data: { runId: run.id, userId: id }, singletonKey: `${run.id}:${id}` })));
    }
    await this.maybeFinish(await prisma.scoreRun.findUniqueOrThrow({ where: { id: run.id } }));
  }

  /** The run of the configured hash, and the hash answers are read under now. */
  async status(): Promise<{ parameterHash: string; activeParameterHash: string | null; run: ScoreRun | null }> {
    const { prisma } = this.deps;
    const [run, active] = await Promise.all([
      prisma.scoreRun.findUnique({ where: { parameterHash: this.parameterHash } }),
      prisma.scoreRun.findFirst({ where: { status: 'SUCCEEDED' }, orderBy: [{ finishedAt: 'desc' }, { startedAt: 'desc' }], select: { parameterHash: true } }),
    ]);
    return { parameterHash: this.parameterHash, activeParameterHash: active?.parameterHash ?? null, run };
  }
}

/**
 * The same hook (ScoresEngine.requestRecompute) from a process that runs no workers, e.g. the CLI's
 * import: a short-lived queue client sends the users' recompute jobs, which the server's workers
 * (or, on the embedded database, the next `npm start`) run. Without it the records would wait for
 * the 5-minute sweep.
 */
export async function requestRecomputeFromOutside(database: Database, config: Config, logger: Logger, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const boss = await createQueue(database, config.databaseUrl, logger, {
    jobTimeoutSeconds: config.sync.jobTimeoutSeconds,
    pollingIntervalSeconds: config.sync.pollingIntervalSeconds,
    // No maintenance from this short-lived client (the server's does it).
    maintenanceIntervalSeconds: 3600,
  });
  try {
    const scores = new ScoresEngine({ prisma: database.prisma, boss, config, logger });
    await scores.createQueues();
    for (const userId of userIds) await scores.requestRecompute(userId);
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

/**
 * Job leases: how a job whose worker died (kill -9, a crashed replica) is handed to another
 * worker within seconds instead of after pg-boss's expiry (SYNC_JOB_TIMEOUT_SECONDS, 900 s by
 * default, which must stay long enough for the slowest legitimate job).
 *
 * Every process stamps the jobs it is running with a heartbeat (`output.heartbeatAt` of the
 * pg-boss job row, which pg-boss itself only writes when the job ends) every HEARTBEAT_SECONDS,
 * and fails (so pg-boss retries) any active job of these queues whose last heartbeat (or start)
 * is older than STALE_SECONDS: its process stopped beating. A process that owns its database
 * alone (embedded PGlite: DATA_DIR is locked to it) knows at start that every active job belongs
 * to a dead predecessor and releases them at once.
 */
import type PgBoss from 'pg-boss';
import type { Logger } from '../logger.js';

export const HEARTBEAT_SECONDS = 5;
export const STALE_SECONDS = 30;

type Sql = { executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

export class JobLeases {
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly boss: PgBoss,
    private readonly logger: Logger,
    private readonly queues: readonly string[],
    private readonly timing = { heartbeatSeconds: HEARTBEAT_SECONDS, staleSeconds: STALE_SECONDS },
  ) {}

  private get db(): Sql {
    return this.boss.getDb() as unknown as Sql;
  }

  /** Runs a handler with its jobs leased: they are stamped while it runs. */
  async run<T>(jobs: readonly { id: string }[], handler: () => Promise<T>): Promise<T> {
    for (const job of jobs) this.held.add(job.id);
    try {
      return await handler();
    } finally {
      for (const job of jobs) this.held.delete(job.id);
    }
  }

  /** Starts beating (and reclaiming stale jobs of other processes). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick().finally(() => (this.ticking = null));
    }, this.timing.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  private async tick(): Promise<void> {
    try {
      await this.heartbeat();
      await this.reclaim(this.timing.staleSeconds);
    } catch (error) {
      this.logger.warn('job lease heartbeat failed; will retry', { error: (error as Error).message });
    }
  }

  async heartbeat(): Promise<void> {
    if (!this.held.size) return;
    await this.db.executeSql(`UPDATE pgboss.job SET output = jsonb_build_object('heartbeatAt', now()) WHERE id = ANY($1::uuid[]) AND state = 'active'`, [[...this.held]]);
  }

  /**
   * Fails (pg-boss then retries them, as after an expiry) the active jobs of these queues that no
   * process has stamped for `staleSeconds`, except this process's own. Returns how many.
   */
  async reclaim(staleSeconds: number): Promise<number> {
    const { rows } = await this.db.executeSql(
      `SELECT id, name FROM pgboss.job
       WHERE name = ANY($1::text[]) AND state = 'active' AND NOT (id = ANY($3::uuid[]))
         AND COALESCE((output->>'heartbeatAt')::timestamptz, started_on) <= now() - make_interval(secs => $2::int)`,
      [[...this.queues], staleSeconds, [...this.held]],
    );
    const byQueue = new Map<string, string[]>();
    for (const row of rows) byQueue.set(String(row.name), [...(byQueue.get(String(row.name)) ?? []), String(row.id)]);
    for (const [name, ids] of byQueue) {
      const message = `the worker running this job stopped (no heartbeat for ${staleSeconds} s); retried`;
      for (const id of ids) await this.boss.fail(name, id, { message });
      this.logger.warn('released jobs of a worker that stopped', { queue: name, jobs: ids.length, staleSeconds });
    }
    return rows.length;
  }
}

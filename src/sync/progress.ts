/**
 * Live progress of a connection's syncs, read from the SyncRun rows. Polling the database (rather
 * than an in-process event bus) makes progress visible whichever replica or worker does the work.
 */
import type { PrismaClient, SyncRun } from '../generated/prisma/client.js';

export interface SyncProgressEvent {
  connectionId: string;
  runId: string;
  kind: SyncRun['kind'];
  status: SyncRun['status'];
  phase: 'PLANNED' | 'FETCHING' | 'DONE' | 'FAILED';
  windowsDone: number;
  windowsTotal: number;
  fetched: number;
  recordsWritten: number;
  skipped: number;
  error: string | null;
  /** While a window waits for the provider's app-wide rate budget: until when. */
  waitingUntil: Date | null;
  /** Push providers: the data types the run still waits for the provider to push (empty when none). */
  awaiting: string[];
  /** A line for people: "waiting for rate budget until 14:35 UTC", or null. */
  message: string | null;
}

/** "HH:MM UTC" of an instant. */
const clock = (date: Date) => `${date.toISOString().slice(11, 16)} UTC`;

function awaitingMessage(run: SyncRun, awaiting: string[]): string | null {
  if (!awaiting.length) return null;
  if (run.status === 'RUNNING') return `waiting for the provider to push: ${awaiting.join(', ')}${run.awaitUntil ? ` (until ${clock(run.awaitUntil)})` : ''}`;
  return `nothing arrived in time for: ${awaiting.join(', ')}`;
}

export function toProgress(run: SyncRun, now = Date.now()): SyncProgressEvent {
  const waitingUntil = run.status === 'RUNNING' && run.waitingUntil && run.waitingUntil.getTime() > now ? run.waitingUntil : null;
  const awaiting = run.awaitingTypes.filter((t) => !run.arrivedTypes.includes(t));
  const phase = run.status === 'FAILED' ? 'FAILED' : run.status === 'SUCCEEDED' ? 'DONE' : run.windowsDone === 0 ? 'PLANNED' : 'FETCHING';
  return {
    connectionId: run.connectionId,
    runId: run.id,
    kind: run.kind,
    status: run.status,
    phase,
    windowsDone: run.windowsDone,
    windowsTotal: run.windowsTotal,
    fetched: run.fetched,
    recordsWritten: run.created + run.updated,
    skipped: run.skipped,
    error: run.error,
    waitingUntil,
    awaiting,
    message: waitingUntil ? `waiting for rate budget until ${clock(waitingUntil)}` : awaitingMessage(run, awaiting),
  };
}

/**
 * Yields the newest run's progress whenever it changes; ends once no run is going (after at least
 * one event), when `signal` aborts, or when `stillValid` (asked before each poll) says no.
 */
export async function* watchSyncProgress(
  prisma: PrismaClient,
  connectionId: string,
  options: { intervalMs?: number; signal?: AbortSignal; idleTimeoutMs?: number; stillValid?: () => Promise<boolean> } = {},
): AsyncGenerator<SyncProgressEvent> {
  const intervalMs = options.intervalMs ?? 500;
  const startedAt = Date.now();
  let last = '';
  while (!options.signal?.aborted) {
    // The watcher's credential was revoked (or expired) since the stream opened: stop here.
    if (options.stillValid && !(await options.stillValid())) return;
    const run = await prisma.syncRun.findFirst({ where: { connectionId }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });
    if (run) {
      const event = toProgress(run);
      const key = JSON.stringify(event);
      if (key !== last) {
        last = key;
        yield event;
      }
      if (run.status !== 'RUNNING') return;
    } else if (Date.now() - startedAt > (options.idleTimeoutMs ?? 30_000)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Issue 13 item 16: what `npm run worker` says about itself. At LOG_LEVEL=debug each job's start
 * and end (queue, ids, duration); a failing job at warn; no claim to serve sandbox simulators over
 * HTTP (it serves none); "worker stopped" on a graceful stop.
 */
import { spawn } from 'node:child_process';
import { createLogger } from '../../src/logger.js';
import { loggedJobs } from '../../src/sync/queue.js';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { ROOT } from '../support/paths.js';

describe('job log lines (loggedJobs)', () => {
  it('start and end at debug with ids and duration; a failure at warn, rethrown', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', json: true, write: (line) => lines.push(line) });
    const ok = loggedJobs(logger, 'q-ok', async () => undefined, { fields: (job: { id: string; data: { userId: string } }) => ({ userId: job.data.userId }) });
    await ok([{ id: 'job-1', data: { userId: 'u-1' } }]);
    const failing = loggedJobs(logger, 'q-bad', async () => {
      throw new Error('provider said no');
    });
    await expect(failing([{ id: 'job-2', data: {} }])).rejects.toThrow('provider said no');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => [p.level, p.msg, p.queue, p.jobIds])).toEqual([
      ['debug', 'job started', 'q-ok', ['job-1']],
      ['debug', 'job finished', 'q-ok', ['job-1']],
      ['debug', 'job started', 'q-bad', ['job-2']],
      ['warn', 'job failed; the queue retries it while it has tries left', 'q-bad', ['job-2']],
    ]);
    expect(parsed[0]!.userId).toBe('u-1');
    expect(typeof parsed[1]!.durationMs).toBe('number');
    expect(parsed[3]!.error).toBe('provider said no');
    // A handler that logs its own failures keeps the generic line at debug.
    const quiet = loggedJobs(logger, 'q-own', async () => Promise.reject(new Error('x')), { failuresLogged: true });
    await expect(quiet([{ id: 'job-3', data: {} }])).rejects.toThrow('x');
    expect((JSON.parse(lines.at(-1)!) as { level: string }).level).toBe('debug');
  });
});

const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
if (!process.env.TEST_DATABASE_URL) console.warn('worker-logs: TEST_DATABASE_URL unset, the worker process test is skipped (npm run worker needs PostgreSQL)');

describePg('npm run worker (postgresql)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgresql');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('logs its jobs at debug, no "sandbox simulators running", and "worker stopped" on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (/^(POLAR|OURA|SYNC)_/.test(name) || ['NODE_OPTIONS', 'NODE_ENV', 'PORT', 'DATA_DIR', 'SANDBOX'].includes(name)) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: database.url!, ENCRYPTION_KEY: '22'.repeat(32), LOG_LEVEL: 'debug', SYNC_POLLING_INTERVAL_SECONDS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      // The worker schedules the token-refresh tick at start and works it (polled every 5 s at most).
      const deadline = Date.now() + 60_000;
      while (!/DEBUG job finished .*"queue":"token-refresh".*"durationMs":\d+/.test(output)) {
        if (child.exitCode !== null) throw new Error(`worker exited: ${output}`);
        if (Date.now() > deadline) throw new Error(`no job lines within 60 s:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(output).toMatch(/DEBUG job started .*"queue":"token-refresh".*"jobIds":\["[0-9a-f-]{36}"\]/);
      expect(output).toMatch(/INFO  worker started/);
      expect(output).not.toMatch(/sandbox simulators running/);
      expect(output).toMatch(/sandbox simulators loaded for the sandbox connections this process syncs \(not served over HTTP/);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).toMatch(/INFO  SIGTERM: worker stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});

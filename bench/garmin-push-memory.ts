/**
 * Peak memory of the server taking one big Garmin delivery: the real server as a child process
 * (src/main.ts, PostgreSQL, workers in process), one user known to it, then a POST of
 * `--mb` MB (default 50) of activityDetails (several activities of 1 Hz samples) streamed to
 * /webhooks/garmin/<secret>. Reports the child's VmRSS before, its VmHWM (peak resident set)
 * after the 200 and after the job mapped everything, and the timings.
 *
 *   node --import tsx bench/garmin-push-memory.ts [--mb 50] [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, 'database-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/postgres' } } });
const targetBytes = Number(values.mb) * 1024 * 1024;
const adminUrl = values['database-url']!;
const dbName = `garmin_bench_${process.pid}`;
const dbUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
const port = 20_000 + Math.floor(Math.random() * 10_000);
const SECRET = 'bench-path-secret-0123456789';
const CLIENT = 'bench-garmin-client';

const status = (pid: number, field: string) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One activity-details summary as JSON text, about `bytes` long (1 Hz samples). */
function activityDetails(index: number, bytes: number): string {
  const start = 1_763_000_000 + index * 86_400;
  const sample = (t: number) =>
    `{"startTimeInSeconds":${start + t},"latitudeInDegree":60.1${t % 1000},"longitudeInDegree":24.9${t % 1000},"elevationInMeters":${20 + (t % 7)},"airTemperatureCelcius":4.0,"heartRate":${120 + (t % 40)},"speedMetersPerSecond":3.1,"stepsPerMinute":170,"totalDistanceInMeters":${t * 3},"timerDurationInSeconds":${t},"clockDurationInSeconds":${t},"movingDurationInSeconds":${t},"powerInWatts":250}`;
  const perSample = sample(10_000).length + 1;
  const count = Math.floor(bytes / perSample);
  const summary = `{"activityId":${9_000_000 + index},"activityType":"RUNNING","startTimeInSeconds":${start},"startTimeOffsetInSeconds":3600,"durationInSeconds":${count},"distanceInMeters":${count * 3},"averageHeartRateInBeatsPerMinute":140,"deviceName":"bench"}`;
  const samples: string[] = [];
  for (let t = 0; t < count; t++) samples.push(sample(t));
  return `{"userId":"bench-user","summaryId":"${9_000_000 + index}-detail","activityId":${9_000_000 + index},"summary":${summary},"samples":[${samples.join(',')}]}`;
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      ENCRYPTION_KEY: 'c'.repeat(64),
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      GARMIN_CLIENT_ID: CLIENT,
      GARMIN_CLIENT_SECRET: 'bench-secret',
      GARMIN_WEBHOOK_PATH_SECRET: SECRET,
      SANDBOX: 'false',
      SYNC_INTERVAL_SECONDS: '0',
      SYNC_POLLING_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const db = new pg.Client({ connectionString: dbUrl });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status < 500, () => false);
      if (ok) break;
      if (i > 600 || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await sleep(100);
    }
    await db.connect();
    const userId = randomUUID();
    await db.query(`INSERT INTO "User" ("id", "updatedAt") VALUES ($1, now())`, [userId]);
    await db.query(`INSERT INTO "Connection" ("id", "userId", "provider", "providerUserId", "scopes", "updatedAt") VALUES ($1, $2, 'GARMIN', 'bench-user', '{}', now())`, [randomUUID(), userId]);
    await sleep(2000);
    const before = status(child.pid!, 'VmRSS');
    const beforePeak = status(child.pid!, 'VmHWM');

    const activities = Math.max(1, Math.round(targetBytes / (10 * 1024 * 1024)));
    const parts = Array.from({ length: activities }, (_, i) => activityDetails(i, targetBytes / activities - 200));
    const body = Buffer.from(`{"activityDetails":[${parts.join(',')}]}`);
    parts.length = 0;
    const sent = Date.now();
    const answer = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `/webhooks/garmin/${SECRET}`, headers: { 'content-type': 'application/json;charset=UTF-8', 'garmin-client-id': CLIENT, 'content-length': body.length } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // Streamed in 64 KiB writes, as a network would deliver it.
      let at = 0;
      const write = () => {
        while (at < body.length) {
          const more = req.write(body.subarray(at, at + 65_536));
          at += 65_536;
          if (!more) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    const acked = Date.now() - sent;
    const peakAtAck = status(child.pid!, 'VmHWM');
    for (let i = 0; ; i++) {
      const { rows } = await db.query(`SELECT (SELECT count(*) FROM "PushDelivery")::int AS pending, (SELECT count(*) FROM "RawPayload")::int AS payloads, (SELECT count(*) FROM "HeartRateSample")::int AS samples`);
      if (rows[0].pending === 0 && rows[0].payloads === activities) {
        console.log(JSON.stringify({
          deliveryBytes: body.length,
          activities,
          status: answer,
          ackMs: acked,
          mappedMs: Date.now() - sent,
          heartRateSamples: rows[0].samples,
          rssBeforeMb: before,
          peakBeforeMb: beforePeak,
          peakAtAckMb: peakAtAck,
          peakAfterMappingMb: status(child.pid!, 'VmHWM'),
        }));
        break;
      }
      if (i > 1200) throw new Error(`not mapped in time: ${JSON.stringify(rows[0])}\n${output.slice(-2000)}`);
      await sleep(250);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

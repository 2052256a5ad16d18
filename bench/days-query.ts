/**
 * The `days` join query the bench sends, and its floor: the same JSON answer assembled by
 * hand-written SQL (API key check, user page, one statement per record type) without GraphQL,
 * Prisma or DataLoader.
 */
import crypto from 'node:crypto';

const DAY_FIELDS = `date
      workouts { sport startTime durationSeconds distanceMeters averageHeartRateBpm trainingLoad source { provider device } }
      sleep { startTime endTime totalSleepSeconds deepSleepSeconds score source { provider } }
      recovery { hrvRmssdMs restingHeartRateBpm nightlyRechargeStatus ansCharge readinessScore source { provider } }
      activity { steps activeEnergyKcal source { provider } }`;

/** 1 user: user(id) { days(from, to) }. */
export const ONE_USER_QUERY = `query Days($id: ID!, $from: LocalDate!, $to: LocalDate!) {
  user(id: $id) {
    days(from: $from, to: $to) {
      ${DAY_FIELDS}
    }
  }
}`;

/** N users: users(first: N) { edges { node { id days(from, to) } } }. */
export const MANY_USERS_QUERY = `query ManyDays($first: Int!, $from: LocalDate!, $to: LocalDate!) {
  users(first: $first) {
    edges { node { id days(from: $from, to: $to) {
      ${DAY_FIELDS}
    } } }
  }
}`;

export const userGlobalId = (id: string) => Buffer.from(`User:${id}`).toString('base64');
const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString('utf8').replace(/^User:/, '');

export type Sql = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
type Row = Record<string, unknown>;

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

const SQL = {
  apiKey: `SELECT "id" FROM "ApiKey" WHERE "keyHash" = $1 AND "revokedAt" IS NULL`,
  user: `SELECT "id" FROM "User" WHERE "id" = $1`,
  users: `SELECT "id" FROM "User" ORDER BY "createdAt" ASC, "id" ASC LIMIT $1`,
  workouts: `SELECT "userId", to_char("localDate", 'YYYY-MM-DD') AS d, "sport"::text, "startTime", "durationSeconds", "distanceMeters", "averageHeartRateBpm", "trainingLoad", "provider"::text AS "providerName", "sourceDevice"
    FROM "Workout" WHERE "userId" = ANY($1) AND "localDate" BETWEEN $2::date AND $3::date ORDER BY "startTime" ASC, "id" ASC`,
  sleep: `SELECT "userId", to_char("localDate", 'YYYY-MM-DD') AS d, "startTime", "endTime", "totalSleepSeconds", "deepSleepSeconds", "score", "provider"::text AS "providerName"
    FROM "SleepSession" WHERE "userId" = ANY($1) AND "localDate" BETWEEN $2::date AND $3::date ORDER BY "startTime" ASC, "id" ASC`,
  recovery: `SELECT "userId", to_char("localDate", 'YYYY-MM-DD') AS d, "hrvRmssdMs", "restingHeartRateBpm", "nightlyRechargeStatus", "ansCharge", "readinessScore", "provider"::text AS "providerName"
    FROM "Recovery" WHERE "userId" = ANY($1) AND "localDate" BETWEEN $2::date AND $3::date ORDER BY "provider" ASC, "id" ASC`,
  activity: `SELECT "userId", to_char("localDate", 'YYYY-MM-DD') AS d, "steps", "activeEnergyKcal", "provider"::text AS "providerName"
    FROM "DailyActivity" WHERE "userId" = ANY($1) AND "localDate" BETWEEN $2::date AND $3::date ORDER BY "provider" ASC, "id" ASC`,
};

function group(rows: Row[], shape: (row: Row) => Row): Map<string, Row[]> {
  const byKey = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.userId}|${row.d}`;
    const list = byKey.get(key);
    const value = shape(row);
    if (list) list.push(value);
    else byKey.set(key, [value]);
  }
  return byKey;
}

function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Loads the four record types for all users at once; `parallel` runs them concurrently (a pool). */
async function loadDays(sql: Sql, userIds: string[], from: string, to: string, parallel: boolean) {
  const params = [userIds, from, to];
  const run = (text: string) => sql(text, params);
  const [w, s, r, a] = parallel
    ? await Promise.all([run(SQL.workouts), run(SQL.sleep), run(SQL.recovery), run(SQL.activity)])
    : [await run(SQL.workouts), await run(SQL.sleep), await run(SQL.recovery), await run(SQL.activity)];
  const workouts = group(w, (x) => ({
    sport: x.sport,
    startTime: iso(x.startTime),
    durationSeconds: x.durationSeconds,
    distanceMeters: x.distanceMeters,
    averageHeartRateBpm: x.averageHeartRateBpm,
    trainingLoad: x.trainingLoad,
    source: { provider: x.providerName, device: x.sourceDevice },
  }));
  const sleep = group(s, (x) => ({
    startTime: iso(x.startTime),
    endTime: iso(x.endTime),
    totalSleepSeconds: x.totalSleepSeconds,
    deepSleepSeconds: x.deepSleepSeconds,
    score: x.score,
    source: { provider: x.providerName },
  }));
  const recovery = group(r, (x) => ({
    hrvRmssdMs: x.hrvRmssdMs,
    restingHeartRateBpm: x.restingHeartRateBpm,
    nightlyRechargeStatus: x.nightlyRechargeStatus,
    ansCharge: x.ansCharge,
    readinessScore: x.readinessScore,
    source: { provider: x.providerName },
  }));
  const activity = group(a, (x) => ({ steps: x.steps, activeEnergyKcal: x.activeEnergyKcal, source: { provider: x.providerName } }));
  const range = dates(from, to);
  return (userId: string) =>
    range.map((date) => {
      const key = `${userId}|${date}`;
      return { date, workouts: workouts.get(key) ?? [], sleep: sleep.get(key) ?? [], recovery: recovery.get(key) ?? [], activity: activity.get(key) ?? [] };
    });
}

export class Unauthorized extends Error {}

async function authorize(sql: Sql, authorization: string | undefined): Promise<void> {
  const key = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  const hash = crypto.createHash('sha256').update(key).digest('hex');
  const rows = await sql(SQL.apiKey, [hash]);
  if (!rows.length) throw new Unauthorized();
}

/** The floor's answer to a GraphQL request body of ONE_USER_QUERY or MANY_USERS_QUERY. */
export async function floorAnswer(sql: Sql, body: { query: string; variables?: Record<string, unknown> }, authorization: string | undefined, parallel: boolean) {
  await authorize(sql, authorization);
  if (body.query === '{ __typename }') return { data: { __typename: 'Query' } }; // readiness probe
  body.variables ??= {};
  const { from, to } = body.variables as { from: string; to: string };
  if (body.query === ONE_USER_QUERY) {
    const id = fromGlobalId(String(body.variables.id));
    const users = await sql(SQL.user, [id]);
    if (!users.length) return { data: { user: null } };
    const days = await loadDays(sql, [id], from, to, parallel);
    return { data: { user: { days: days(id) } } };
  }
  if (body.query === MANY_USERS_QUERY) {
    const users = (await sql(SQL.users, [Number(body.variables.first)])).map((u) => String(u.id));
    const days = await loadDays(sql, users, from, to, parallel);
    return { data: { users: { edges: users.map((id) => ({ node: { id: userGlobalId(id), days: days(id) } })) } } };
  }
  throw new Error('the floor answers only the two bench queries');
}

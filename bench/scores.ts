/**
 * Scores part of `npm run bench`: recomputing every score of one user-year (the backfilled user)
 * and of the bench's users through the recompute run (src/derived/jobs.ts, the job's own code
 * path), then the days query with scores against the same query without them, in-process
 * (yoga.fetch, no HTTP), same users and dates, statements counted.
 */
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import type { Config } from '../src/config.js';
import type { Database, OpenOptions } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { MANY_USERS_QUERY } from './days-query.js';

const SCORE_FIELDS = `scores {
        sleep { value reason components { name value weight } parameterHash }
        recovery { value reason components { name value weight } baselines { metric mean sd count } }
        strain { value status trainingLoad { acute chronic form acuteChronicRatio } }
        stress { value status stressMinutes { rest low medium high } }
        hrvStatus { value status }
        vo2max { value providerEstimates { provider value } }
      }`;
export const MANY_USERS_WITH_SCORES_QUERY = MANY_USERS_QUERY.replace('days(from: $from, to: $to) {', `days(from: $from, to: $to) {\n      ${SCORE_FIELDS}`);

export interface ScoresBench {
  yearUser: { days: number; scores: number; seconds: number };
  users: { count: number; days: number; scores: number; seconds: number };
  query: { users: number; days: number; withoutMs: number; withMs: number; ratio: number; withoutBytes: number; withBytes: number; statementsWithout: number; statementsWith: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchScores(
  open: (options?: OpenOptions) => Promise<Database>,
  config: Config,
  apiKey: string,
  options: { yearUserExternalIdPrefix: string; from: string; to: string; users: number; runs: number },
): Promise<ScoresBench> {
  const statements: string[] = [];
  const database = await open({ onQuery: (sql) => statements.push(sql) });
  const app = await createApp(config, { database, logger: createLogger({ level: 'error' }), workers: false });
  try {
    const prisma = app.database.prisma;
    // From nothing: what a new parameter hash costs.
    await prisma.$transaction([prisma.dailyScore.deleteMany(), prisma.scoreRun.deleteMany(), prisma.scoreDirty.deleteMany()]);
    const run = await app.scores.ensureRun();
    const users = await prisma.user.findMany({ select: { id: true, externalId: true }, orderBy: { createdAt: 'asc' } });
    const year = users.find((u) => u.externalId?.startsWith(options.yearUserExternalIdPrefix));
    if (!year) throw new Error('bench scores: no backfilled user-year');
    const timeUser = async (id: string) => {
      const started = performance.now();
      await app.scores.runUser(run.id, id);
      return { seconds: (performance.now() - started) / 1000, rows: await prisma.dailyScore.count({ where: { userId: id } }) };
    };
    const yearUser = await timeUser(year.id);
    const others = users.filter((u) => u.id !== year.id);
    let seconds = 0;
    let rows = 0;
    for (const user of others) {
      const t = await timeUser(user.id);
      seconds += t.seconds;
      rows += t.rows;
    }
    const finished = await prisma.scoreRun.findUniqueOrThrow({ where: { id: run.id } });
    if (finished.status !== 'SUCCEEDED') throw new Error(`bench scores: the run did not finish (${finished.usersDone}/${finished.usersTotal})`);

    const time = async (query: string) => {
      const body = JSON.stringify({ query, variables: { first: options.users, from: options.from, to: options.to } });
      const send = async () => {
        const response = await app.yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body });
        return response.text();
      };
      for (let i = 0; i < 3; i++) await send();
      statements.length = 0;
      const text = await send();
      const count = statements.filter((s) => !s.startsWith('UPDATE "public"."ApiKey"')).length;
      if (text.includes('"errors"')) throw new Error(`bench scores: query failed: ${text.slice(0, 300)}`);
      const ms: number[] = [];
      for (let i = 0; i < options.runs; i++) {
        const started = performance.now();
        await send();
        ms.push(performance.now() - started);
      }
      return { ms: median(ms), bytes: text.length, statements: count };
    };
    const without = await time(MANY_USERS_QUERY);
    const withScores = await time(MANY_USERS_WITH_SCORES_QUERY);
    const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      yearUser: { days: yearUser.rows / 6, scores: yearUser.rows, seconds: round(yearUser.seconds) },
      users: { count: others.length, days: rows / 6, scores: rows, seconds: round(seconds) },
      query: {
        users: options.users,
        days: Math.round((Date.parse(options.to) - Date.parse(options.from)) / 86_400_000) + 1,
        withoutMs: round(without.ms, 1),
        withMs: round(withScores.ms, 1),
        ratio: round(withScores.ms / without.ms),
        withoutBytes: without.bytes,
        withBytes: withScores.bytes,
        statementsWithout: without.statements,
        statementsWith: withScores.statements,
      },
    };
  } finally {
    await app.close();
  }
}

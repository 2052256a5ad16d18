/**
 * Focused in-process measurement of the `days` request (1 user x 30 days, and 10 users x 30 days):
 * `node --import tsx bench/days-inprocess.ts [pglite|postgresql] [N]` — ms per request sequentially
 * and req/s at concurrency 16, through createApp + yoga.fetch (no HTTP). Uses the test seed.
 */
import { performance } from 'node:perf_hooks';
import { ONE_USER_QUERY, MANY_USERS_QUERY } from './days-query.js';
import { seedTwoProviders, userGlobalId } from '../tests/support/seed.js';
import { createTestApp } from '../tests/support/test-app.js';

const variant = (process.argv[2] ?? 'pglite') as 'pglite' | 'postgresql';
const N = Number(process.argv[3] ?? 200);
const t = await createTestApp(variant, { RATE_LIMIT_PER_MINUTE: '0' }, { workers: false });
const ids = await seedTwoProviders(t.database.prisma, { users: 10, days: 60, from: '2026-01-01' });
const out: Record<string, unknown> = { variant };
for (const [name, query, variables] of [
  ['oneUser30Days', ONE_USER_QUERY, { id: userGlobalId(ids[0]), from: '2026-01-01', to: '2026-01-30' }],
  ['users10x30Days', MANY_USERS_QUERY, { first: 10, from: '2026-01-01', to: '2026-01-30' }],
] as const) {
  const once = async () => {
    const res = await t.graphql(query, variables);
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  };
  for (let i = 0; i < 30; i++) await once();
  let s = performance.now();
  for (let i = 0; i < N; i++) await once();
  const seqMs = (performance.now() - s) / N;
  s = performance.now();
  let left = N;
  await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await once(); }));
  out[name] = { seqMsPerRequest: Math.round(seqMs * 100) / 100, c16ReqPerSec: Math.round(N / ((performance.now() - s) / 1000)) };
}
console.log(JSON.stringify(out));
await t.close();

/**
 * The MCP server with the official SDK client, over Streamable HTTP (/mcp) and stdio (`npm run
 * mcp`), both protocol eras, on the sandbox demo's data: every tool is called and its
 * structuredContent checked against the outputSchema tools/list published, and answers are
 * compared with what GraphQL says about the same user (one set of services under both APIs).
 */
import http from 'node:http';
import type { Client } from '@modelcontextprotocol/client';
import { MAX_ANSWER_BYTES } from '../../src/mcp/tool.js';
import { addLocalDays, formatLocalDate } from '../../src/normalize/time.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { databaseVariants } from '../support/databases.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';
import { waitForScoresIdle } from '../support/scores.js';
import { httpClient, MODERN, schemaErrors, startMcpStack, stdioClient, type McpStack } from './support.js';

const TOOLS = ['users_find', 'days_summary', 'sleep_nights', 'workouts_list', 'workouts_detail', 'recovery_daily', 'trends_get', 'anomalies_list', 'periods_compare', 'coverage_get', 'timeseries_get', 'scores_get', 'score_explain', 'summary_by_period'];
/** A parameter override, so the resources and score_explain must report the configuration in effect, not the defaults. */
const SCORES_CONFIG = '{"recovery":{"minBaselineNights":6}}';
const today = formatLocalDate(new Date());
const rawId = (globalId: string) => Buffer.from(globalId, 'base64').toString().split(':')[1];
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

type ToolResult = { content: { type: string; text: string }[]; structuredContent?: any; isError?: boolean };

/** Calls every tool with its default arguments (plus what it needs); returns the results by tool. */
async function callEveryTool(client: Client, user: string): Promise<Map<string, { args: object; result: ToolResult }>> {
  const listed = await client.listTools();
  expect(listed.tools.map((t) => t.name)).toEqual(TOOLS);
  const schemas = new Map(listed.tools.map((t) => [t.name, t]));
  for (const tool of listed.tools) {
    expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tool.outputSchema).toBeDefined();
  }
  const results = new Map<string, { args: object; result: ToolResult }>();
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as ToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(schemaErrors(schemas.get(name)!.outputSchema!, result.structuredContent)).toBeNull();
    // A one-paragraph summary, then the same data as JSON text.
    expect(result.content[0].type).toBe('text');
    expect(result.content[0].text).not.toMatch(/\n/);
    expect(JSON.parse(result.content[1].text)).toEqual(result.structuredContent);
    if (!results.has(name)) results.set(name, { args, result });
    return result;
  };
  await call('users_find', {});
  await call('days_summary', { user });
  await call('sleep_nights', { user });
  await call('sleep_nights', { user, detail: true, limit: 2 });
  const workouts = await call('workouts_list', { user });
  const firstId = workouts.structuredContent.workouts.find((w: any) => w.source.provider === 'POLAR')?.workout_id ?? workouts.structuredContent.workouts[0].workout_id;
  await call('workouts_detail', { user, workout_id: firstId });
  await call('recovery_daily', { user });
  await call('trends_get', { user, metric: 'hrv_rmssd_ms' });
  await call('anomalies_list', { user });
  await call('periods_compare', { user, period_a: { from: addLocalDays(today, -27), to: addLocalDays(today, -14) }, period_b: { from: addLocalDays(today, -13), to: today } });
  await call('coverage_get', { user });
  await call('timeseries_get', { user, metric: 'steps' });
  await call('timeseries_get', { user, metric: 'heart_rate_bpm', resolution: '5min' });
  await call('timeseries_get', { user, metric: 'spo2_pct' });
  await call('timeseries_get', { user, metric: 'vo2max_ml_per_kg_min' });
  await call('timeseries_get', { user, metric: 'score_recovery', resolution: 'week' });
  await call('scores_get', { user });
  await call('score_explain', { user, kind: 'recovery', date: addLocalDays(today, -1) });
  await call('summary_by_period', { user });
  await call('summary_by_period', { user, group_by: 'month', from: addLocalDays(today, -40), to: today });
  return results;
}

describe.each(databaseVariants())('MCP server on the sandbox demo (%s)', (variant) => {
  let stack: McpStack;
  beforeAll(async () => {
    // The demo backfills every cloud provider's simulator (45 days) and two phones: minutes on a busy machine.
    stack = await startMcpStack(variant, { SCORES_RECOMPUTE_DELAY_SECONDS: '1', SCORES_CONFIG });
    await waitForScoresIdle(stack.t.database.prisma, rawId(stack.demoUserId));
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('Streamable HTTP, 2026-07-28: lists the tools and answers every one schema-valid, small, with sources', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    expect(client.getNegotiatedProtocolVersion?.() ?? MODERN).toBe(MODERN);
    const results = await callEveryTool(client, stack.demoUserId);
    for (const [name, { result }] of results) {
      const bytes = JSON.stringify(result).length;
      expect(bytes).toBeLessThan(2 * MAX_ANSWER_BYTES);
      if (process.env.MCP_REPORT_SIZES) process.stdout.write(`${name}\t${bytes} bytes\t~${Math.ceil(bytes / 3.5)} tokens\n`);
    }
    const days = results.get('days_summary')!.result.structuredContent;
    expect(days.days).toHaveLength(14);
    const withSleep = days.days.filter((d: any) => d.sleep);
    expect(withSleep.length).toBeGreaterThan(7);
    for (const d of withSleep) expect(['OURA', 'POLAR']).toContain(d.sleep.source.provider);
    const coverage = results.get('coverage_get')!.result.structuredContent;
    // The demo connects every cloud provider's simulator and pushes a week from two sandbox phones.
    const byProvider = (a: [string, boolean], b: [string, boolean]) => a[0].localeCompare(b[0]);
    expect(coverage.connections.map((c: any) => [c.provider, c.sandbox]).sort(byProvider)).toEqual(
      [...PROVIDERS.map((p): [string, boolean] => [p.id, true]), ['APPLE_HEALTH', false] as [string, boolean], ['HEALTH_CONNECT', false] as [string, boolean]].sort(byProvider),
    );
    const detail = results.get('workouts_detail')!.result.structuredContent;
    expect(detail.workout.source.provider).toBeDefined();
    await client.close();
  });

  it('answers what GraphQL answers for the same user and window', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const from = addLocalDays(today, -29);
    const gql = await stack.t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) {
        days(from: $from, to: $to) { date primarySleep { totalSleepSeconds source { provider } } primaryRecovery { hrvRmssdMs source { provider } } sleep { provider } }
        workouts(from: $from, to: $to, first: 100) { edges { node { id } } }
      } }`,
      { u: stack.demoUserId, from, to: today },
    );
    expect(gql.body.errors).toBeUndefined();
    const gDays = gql.body.data.user.days;

    const summary = ((await client.callTool({ name: 'days_summary', arguments: { user: stack.demoUserId, from, to: today } })) as ToolResult).structuredContent;
    expect(summary.days.map((d: any) => d.date)).toEqual(gDays.map((d: any) => d.date));
    summary.days.forEach((d: any, i: number) => {
      const s = gDays[i].primarySleep;
      expect(d.sleep?.total_sleep_hours ?? null).toBe(s?.totalSleepSeconds != null ? Math.round((s.totalSleepSeconds / 3600) * 100) / 100 : null);
      expect(d.sleep?.source.provider ?? null).toBe(s?.source.provider ?? null);
      expect(d.recovery?.hrv_rmssd_ms ?? null).toBe(gDays[i].primaryRecovery?.hrvRmssdMs != null ? Math.round(gDays[i].primaryRecovery.hrvRmssdMs) : null);
    });

    const listed = ((await client.callTool({ name: 'workouts_list', arguments: { user: stack.demoUserId, from, to: today, limit: 50 } })) as ToolResult).structuredContent;
    expect(listed.workouts.map((w: any) => w.workout_id)).toEqual(gql.body.data.user.workouts.edges.slice(0, 50).map((e: any) => e.node.id));

    // The 30-day HRV trend: Theil–Sen worked out here from GraphQL's values (median of pairwise slopes).
    const points = gDays.flatMap((d: any, i: number) => (d.primaryRecovery?.hrvRmssdMs != null ? [[i, d.primaryRecovery.hrvRmssdMs]] : []));
    const slopes: number[] = [];
    for (let a = 0; a < points.length; a++) for (let b = a + 1; b < points.length; b++) slopes.push((points[b][1] - points[a][1]) / (points[b][0] - points[a][0]));
    slopes.sort((x, y) => x - y);
    const mid = slopes.length >> 1;
    const slope = slopes.length % 2 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
    const trend = ((await client.callTool({ name: 'trends_get', arguments: { user: stack.demoUserId, metric: 'hrv_rmssd_ms', window_days: 30 } })) as ToolResult).structuredContent;
    expect(trend.trend.days_with_data).toBe(points.length);
    expect(trend.trend.slope_per_week).toBeCloseTo(slope * 7, 2);

    // Weekly summary: the same service as User.summary; the nights and workouts counted here from GraphQL's days.
    const weekly = await stack.t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) { summary(from: $from, to: $to, groupBy: WEEK) { start daysInRange sleep { nights averageTotalSleepSeconds } recovery { averageHrvRmssdMs } workouts { count } } } }`,
      { u: stack.demoUserId, from, to: today },
    );
    expect(weekly.body.errors).toBeUndefined();
    const byPeriod = ((await client.callTool({ name: 'summary_by_period', arguments: { user: stack.demoUserId, from, to: today } })) as ToolResult).structuredContent;
    const gWeeks = weekly.body.data.user.summary as any[];
    expect(byPeriod.periods.map((p: any) => [p.start, p.days_in_range, p.sleep.nights, p.workouts.count])).toEqual(gWeeks.map((w) => [w.start, w.daysInRange, w.sleep.nights, w.workouts.count]));
    byPeriod.periods.forEach((p: any, i: number) => {
      const w = gWeeks[i];
      expect(p.sleep.avg_total_sleep_hours).toBe(w.sleep.averageTotalSleepSeconds === null ? null : Math.round((w.sleep.averageTotalSleepSeconds / 3600) * 100) / 100);
      expect(p.recovery.avg_hrv_rmssd_ms).toBe(w.recovery.averageHrvRmssdMs === null ? null : Math.round(w.recovery.averageHrvRmssdMs * 10) / 10);
    });

    const coverage = ((await client.callTool({ name: 'coverage_get', arguments: { user: stack.demoUserId, from, to: today } })) as ToolResult).structuredContent;
    const ouraSleep = coverage.data_types.find((t: any) => t.data_type === 'sleep' && t.provider === 'OURA');
    expect(ouraSleep.days_with_data).toBe(gDays.filter((d: any) => d.sleep.some((s: any) => s.provider === 'OURA')).length);
    await client.close();
  });

  it('a 2025-11-25 client (the SDK default) is served too', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'legacy');
    expect(client.getNegotiatedProtocolVersion?.()).toBe('2025-11-25');
    const tools = await client.listTools();
    expect(tools.tools).toHaveLength(TOOLS.length);
    const result = (await client.callTool({ name: 'days_summary', arguments: { user: stack.demoUserId } })) as ToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent.days).toHaveLength(14);
    await client.close();
  });

  it("our open scores: scores_get answers what User.scores stores, score_explain shows inputs with their stored values, baselines, weights and the hash in effect", async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const from = addLocalDays(today, -6);
    const gql = await stack.t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) { scores(from: $from, to: $to) { kind date value status reason parameterHash components { name value weight } } } }`,
      { u: stack.demoUserId, from, to: today },
    );
    expect(gql.body.errors).toBeUndefined();
    const graph = gql.body.data.user.scores as any[];
    expect(graph).toHaveLength(7 * 6);
    const answer = ((await client.callTool({ name: 'scores_get', arguments: { user: stack.demoUserId } })) as ToolResult).structuredContent;
    expect(answer.parameter_hash).toBe(stack.t.config.scores.parameterHash);
    const kindName: Record<string, string> = { SLEEP: 'sleep', RECOVERY: 'recovery', STRAIN: 'strain', STRESS: 'stress', HRV_STATUS: 'hrv_status', VO2MAX: 'vo2max' };
    expect(answer.scores.map((s: any) => [s.date, s.kind, s.value, s.status, s.reason])).toEqual(
      graph.map((g) => [g.date, kindName[g.kind], g.value === null ? null : Math.round(g.value * 10) / 10, g.status, g.reason]),
    );
    const computed = answer.scores.filter((s: any) => s.value !== null);
    expect(computed.length).toBeGreaterThan(20);
    for (const s of computed) {
      expect(s.algorithm).toMatch(/^gateway:[a-z0-9-]+\/\d+$/);
      expect(s.parameter_hash).toBeUndefined(); // stored under the hash the answer names
      expect(s.sources.length).toBeGreaterThan(0);
      expect(Object.keys(s.components ?? {}).length).toBeGreaterThan(0);
    }
    // The weights a score lists are those its explanation applies.
    const sleepYesterday = answer.scores.find((s: any) => s.kind === 'sleep' && s.date === addLocalDays(today, -1));
    expect(sleepYesterday.weights).toMatchObject({ duration_points: 0.35, efficiency_points: 0.2 });
    expect(answer.units).toMatchObject({ sleep: 'points (0-100)', strain: 'strain (0-21)', vo2max: 'ml/kg/min' });
    expect(answer.provider_scores.length).toBeGreaterThan(0);
    for (const p of answer.provider_scores) expect(p.algorithm).toBe(`provider:${p.source.provider.toLowerCase()}/${p.kind}`);

    const date = addLocalDays(today, -1);
    const explained = ((await client.callTool({ name: 'score_explain', arguments: { user: 'demo', kind: 'recovery', date } })) as ToolResult).structuredContent;
    const stored = graph.find((g) => g.kind === 'RECOVERY' && g.date === date);
    expect(explained.value).toBe(Math.round(stored.value * 10) / 10);
    expect(explained.parameter_hash).toBe(stack.t.config.scores.parameterHash);
    expect(explained.configuration.parameter_hash).toBe(stack.t.config.scores.parameterHash);
    expect(explained.configuration.parameter_hash).not.toBe(explained.configuration.default_parameter_hash);
    expect(explained.configuration.overrides).toEqual([{ parameter: 'recovery.minBaselineNights', value: 6, default: 7 }]);
    expect(explained.configuration.parameters.recovery.weights).toEqual({ hrv: 0.45, restingHeartRate: 0.3, sleep: 0.25, temperature: 0.05, breathing: 0.05 });
    // Weights are re-weighted over the parts present: those applied sum to 1.
    const weights = explained.components.filter((c: any) => c.weight !== null).map((c: any) => c.weight);
    expect(weights.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 2);
    expect(explained.baselines.length).toBeGreaterThan(0);
    for (const b of explained.baselines) expect(b.count).toBeGreaterThanOrEqual(6);
    // Each input that is one record carries the values stored in that record (read back through GraphQL's node).
    const single = explained.inputs.filter((i: any) => i.record_id && i.table === 'Recovery');
    expect(single.length).toBeGreaterThan(0);
    for (const input of single) {
      const names = input.fields.map((f: any) => f.name);
      const node = await stack.t.graphql(`query($id: ID!) { node(id: $id) { ... on Recovery { ${names.join(' ')} source { provider } } } }`, { id: globalId('Recovery', input.record_id) });
      expect(node.body.errors).toBeUndefined();
      expect(input.source.provider).toBe(node.body.data.node.source.provider);
      for (const f of input.fields) expect(f.value).toBe(node.body.data.node[f.name]);
    }
    const unknownKind = (await client.callTool({ name: 'score_explain', arguments: { user: 'demo', kind: 'readiness' } })) as ToolResult;
    expect(unknownKind.isError).toBe(true);
    expect(unknownKind.content[0].text).toMatch(/kind/);
    await client.close();
  });

  it('timeseries_get covers the metrics the graph holds: SpO2 and stress from Oura, VO2max estimates, our scores', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const from = addLocalDays(today, -13);
    const gql = await stack.t.graphql(
      `query($u: ID!, $from: LocalDate!, $to: LocalDate!) { user(id: $u) {
        days(from: $from, to: $to) { date recovery { extras source { provider } } }
        scores(from: $from, to: $to, kind: RECOVERY) { date value }
        vo2MaxEstimates(from: $from, to: $to, first: 100) { edges { node { localDate vo2MaxMlPerKgMin source { provider } } } }
      } }`,
      { u: stack.demoUserId, from, to: today },
    );
    expect(gql.body.errors).toBeUndefined();
    const user = gql.body.data.user;
    const series = async (metric: string) => ((await client.callTool({ name: 'timeseries_get', arguments: { user: stack.demoUserId, metric, from, to: today } })) as ToolResult).structuredContent;
    const spo2 = await series('spo2_pct');
    const expectedSpo2 = user.days.flatMap((d: any) => d.recovery.filter((r: any) => r.extras?.spo2?.averagePercent != null).map((r: any) => [d.date, Math.round(r.extras.spo2.averagePercent * 100) / 100, r.source.provider]));
    expect(expectedSpo2.length).toBeGreaterThan(5);
    expect(spo2.points.map((p: any) => [p.t, p.value, p.provider])).toEqual(expectedSpo2);
    const stress = await series('stress_high_minutes');
    expect(stress.points.length).toBe(user.days.filter((d: any) => d.recovery.some((r: any) => r.extras?.stress?.stressHighSeconds != null)).length);
    const recovery = await series('score_recovery');
    expect(recovery.points.map((p: any) => [p.t, p.value])).toEqual(user.scores.filter((s: any) => s.value !== null).map((s: any) => [s.date, Math.round(s.value * 100) / 100]));
    const vo2 = await series('vo2max_ml_per_kg_min');
    const estimates = user.vo2MaxEstimates.edges.map((e: any) => e.node);
    expect(vo2.points.length).toBe(new Set(estimates.map((e: any) => e.localDate)).size);
    for (const p of vo2.points) expect(estimates.filter((e: any) => e.localDate === p.t).map((e: any) => e.vo2MaxMlPerKgMin)).toContain(p.value);
    await client.close();
  });

  it('resources and prompts: the coaching profile, the algorithms, three prompts', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((r) => r.uriTemplate).sort()).toEqual(['algorithms://scores/{kind}', 'users://{user_id}/profile']);
    const profile = await client.readResource({ uri: `users://${encodeURIComponent(stack.demoUserId)}/profile` });
    const body = JSON.parse((profile.contents[0] as { text: string }).text);
    expect(body.sleep_window.nights).toBeGreaterThan(10);
    expect(body.sleep_window.typical_bedtime_local).toMatch(/^\d\d:\d\d$/);
    expect(body.training_by_sport.length).toBeGreaterThan(0);
    expect(body.baselines.find((b: any) => b.metric === 'hrv_rmssd_ms').median).toBeGreaterThan(0);
    const stats = JSON.parse(((await client.readResource({ uri: 'algorithms://statistics' })).contents[0] as { text: string }).text);
    expect(stats.anomalies.parameters.threshold).toBe(4);
    const sleepAlgorithm = JSON.parse(((await client.readResource({ uri: 'algorithms://scores/sleep' })).contents[0] as { text: string }).text);
    expect(sleepAlgorithm.algorithm_version).toBe('sleep/1');
    expect(sleepAlgorithm.documentation).toMatch(/Sleep score/);
    const recoveryAlgorithm = JSON.parse(((await client.readResource({ uri: 'algorithms://scores/recovery' })).contents[0] as { text: string }).text);
    expect(recoveryAlgorithm.parameter_hash).toBe(stack.t.config.scores.parameterHash);
    expect(recoveryAlgorithm.parameters.recovery.minBaselineNights).toBe(6);
    expect(recoveryAlgorithm.overrides).toEqual([{ parameter: 'recovery.minBaselineNights', value: 6, default: 7 }]);
    expect(sleepAlgorithm.overrides).toEqual([]);
    const prompts = await client.listPrompts();
    expect(prompts.prompts.map((p) => p.name)).toEqual(['weekly_review', 'training_readiness_check', 'data_coverage_audit']);
    const review = await client.getPrompt({ name: 'weekly_review', arguments: { user: 'demo' } });
    expect((review.messages[0].content as { text: string }).text).toMatch(/days_summary/);
    await client.close();
  });

  it('bad input comes back as a tool error naming the argument and the limit; nothing else leaks', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const text = async (name: string, args: Record<string, unknown>) => {
      const result = (await client.callTool({ name, arguments: args })) as ToolResult;
      expect(result.isError).toBe(true);
      return result.content[0].text;
    };
    expect(await text('days_summary', { user: stack.demoUserId, from: '2026-01-01', to: '2026-06-01' })).toMatch(/from\/to: .*at most 90 days/);
    expect(await text('users_find', { limit: 500 })).toMatch(/limit/);
    expect(await text('days_summary', { user: 'nobody' })).toMatch(/^user: no user "nobody"/);
    expect(await text('days_summary', {})).toMatch(/^user: required/);
    expect(await text('workouts_list', { user: stack.demoUserId, cursor: 'bm9wZQ' })).toMatch(/^cursor:/);
    expect(await text('timeseries_get', { user: stack.demoUserId, metric: 'heart_rate_bpm', resolution: '1min', from: addLocalDays(today, -9), to: today })).toMatch(/at most 3 days/);
    await client.close();
  });

  it('pages with cursors: workouts_list in pages of 3 gives the same list as in pages of 50, each workout once', async () => {
    const client = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const walk = async (limit: number) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = ((await client.callTool({ name: 'workouts_list', arguments: { user: 'demo', limit, ...(cursor ? { cursor } : {}) } })) as ToolResult).structuredContent;
        ids.push(...page.workouts.map((w: any) => w.workout_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const all = await walk(50);
    expect(all.length).toBeGreaterThan(3);
    expect(await walk(3)).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
    await client.close();
  });

  it('stdio (npm run mcp relaying to /mcp), 2026-07-28 and 2025-11-25: every tool answers schema-valid', async () => {
    const modern = await stdioClient(stack.url, TEST_ADMIN_KEY, 'modern');
    await callEveryTool(modern, stack.demoUserId);
    await modern.close();
    const legacy = await stdioClient(stack.url, TEST_ADMIN_KEY, 'legacy');
    expect(legacy.getNegotiatedProtocolVersion?.()).toBe('2025-11-25');
    const result = (await legacy.callTool({ name: 'recovery_daily', arguments: { user: 'demo' } })) as ToolResult;
    expect(result.isError ?? false).toBe(false);
    await legacy.close();
  }, 60_000);

  it('stdio with a bad key: the client gets an error naming the 401, not a hang', async () => {
    await expect(stdioClient(stack.url, 'whg_not_a_key_0000000000', 'legacy')).rejects.toThrow(/401/);
  }, 30_000);

  it('a user token sees its own user only: another user is answered exactly like an unknown one, over HTTP and stdio', async () => {
    const admin = await httpClient(stack.url, TEST_ADMIN_KEY, 'modern');
    const demoWorkout = ((await admin.callTool({ name: 'workouts_list', arguments: { user: stack.demoUserId, limit: 1 } })) as ToolResult).structuredContent.workouts[0].workout_id;
    await admin.close();
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "token-holder" }) { id } }');
    const ownId = created.body.data.createUser.id;
    const minted = await stack.t.graphql('mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_READ] }) { token } }', { u: ownId });
    expect(minted.body.errors).toBeUndefined();
    const token = minted.body.data.createUserToken.token;

    const client = await httpClient(stack.url, token, 'modern');
    const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<ToolResult>;
    const own = await call('days_summary', {});
    expect(own.isError ?? false).toBe(false);
    expect(own.structuredContent.user_id).toBe(ownId);
    expect(own.structuredContent.days_with_any_data).toBe(0);
    const unknown = (await call('days_summary', { user: 'no-such-user' })).content[0].text;
    for (const other of [stack.demoUserId, 'demo']) {
      const answer = await call('days_summary', { user: other });
      expect(answer.isError).toBe(true);
      expect(answer.content[0].text.replace(other, 'no-such-user')).toBe(unknown);
    }
    expect((await call('workouts_detail', { workout_id: demoWorkout })).content[0].text).toMatch(/^workout_id: no workout/);
    for (const [name, args] of [
      ['scores_get', {}],
      ['score_explain', { kind: 'recovery' }],
      ['timeseries_get', { metric: 'score_recovery' }],
      ['timeseries_get', { metric: 'spo2_pct' }],
    ] as const) {
      const mine = await call(name, args);
      expect(mine.isError ?? false).toBe(false);
      expect(JSON.stringify(mine.structuredContent)).not.toMatch(/OURA|POLAR/);
      const theirs = await call(name, { ...args, user: stack.demoUserId });
      expect(theirs.isError).toBe(true);
      expect(theirs.content[0].text.replace(stack.demoUserId, 'no-such-user')).toBe(unknown);
    }
    expect((await call('users_find', {})).isError).toBe(true);
    expect((await call('coverage_get', {})).structuredContent.connections).toEqual([]);
    await expect(client.readResource({ uri: `users://${encodeURIComponent(stack.demoUserId)}/profile` })).rejects.toThrow(/no user/);
    const listed = await client.listResources();
    expect(listed.resources.filter((r) => r.uri.startsWith('users://')).map((r) => r.uri)).toEqual([`users://${ownId}/profile`]);
    await client.close();

    const viaStdio = await stdioClient(stack.url, token, 'legacy');
    const refused = (await viaStdio.callTool({ name: 'recovery_daily', arguments: { user: stack.demoUserId } })) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toMatch(/^user: no user/);
    await viaStdio.close();
  }, 60_000);

  describe('HTTP edge: auth, metadata, DNS rebinding', () => {
    const post = (headers: Record<string, string>, host?: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const target = new URL(`${stack.url}/mcp`);
        const req = http.request({ hostname: target.hostname, port: target.port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(host ? { host } : {}), ...headers } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }));
      });

    it('401 without a key or with a wrong one, with WWW-Authenticate pointing at the protected-resource metadata', async () => {
      const missing = await post({});
      expect(missing.status).toBe(401);
      expect(missing.headers['www-authenticate']).toBe(`Bearer resource_metadata="${stack.url}/.well-known/oauth-protected-resource/mcp"`);
      const wrong = await post({ authorization: 'Bearer whg_wrong_key_0000000000000' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      const metadata = await (await fetch(`${stack.url}/.well-known/oauth-protected-resource/mcp`)).json();
      expect(metadata).toMatchObject({ resource: `${stack.url}/mcp`, bearer_methods_supported: ['header'] });
    });

    it('refuses a foreign Host or Origin (DNS rebinding) before looking at the key', async () => {
      expect((await post({ authorization: `Bearer ${TEST_ADMIN_KEY}` }, 'evil.example')).status).toBe(403);
      expect((await post({ authorization: `Bearer ${TEST_ADMIN_KEY}`, origin: 'http://evil.example' })).status).toBe(403);
      expect((await post({ authorization: `Bearer ${TEST_ADMIN_KEY}`, origin: stack.url })).status).toBe(200);
    });

    it('refuses a body over MCP_MAX_REQUEST_BYTES', async () => {
      const res = await fetch(`${stack.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { pad: 'x'.repeat(70_000) } }),
      });
      expect(res.status).toBe(413);
    });
  });
});

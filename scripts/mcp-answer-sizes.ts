/**
 * Measures the largest default answer of each MCP tool: connects the official SDK client to a
 * running gateway's /mcp, calls every tool with its default arguments (and each default-sized
 * variant: hypnograms, heart-rate resolutions, every metric) for one user, and prints a markdown
 * table of the largest whole `tools/call` result per tool (bytes of JSON; tokens ~ bytes / 4).
 *
 *   npm start                                  # sandbox
 *   API_KEY=whg_... npm run cli -- demo        # the demo user
 *   API_KEY=whg_... npx tsx scripts/mcp-answer-sizes.ts [--url http://localhost:4000] [--user demo]
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const url = arg('url', `http://localhost:${process.env.PORT ?? '4000'}`);
const user = arg('user', 'demo');
const key = process.env.MCP_TOKEN ?? process.env.API_KEY;
if (!key) {
  process.stderr.write('Set API_KEY (or MCP_TOKEN) to an API key.\n');
  process.exit(2);
}

const client = new Client({ name: 'mcp-answer-sizes', version: '1' });
await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
const { tools } = await client.listTools();
const enumOf = (tool: string, property: string): string[] => {
  const schema = tools.find((t) => t.name === tool)?.inputSchema as { properties?: Record<string, { enum?: string[] }> } | undefined;
  return schema?.properties?.[property]?.enum ?? [];
};

/** Each tool's default call, plus the variants whose defaults give a different (possibly larger) answer. */
const workouts = (await client.callTool({ name: 'workouts_list', arguments: { user } })) as { structuredContent?: { workouts?: { workout_id: string }[] } };
const workoutIds = (workouts.structuredContent?.workouts ?? []).map((w) => w.workout_id);
const calls: Record<string, Record<string, unknown>[]> = {
  users_find: [{}],
  days_summary: [{ user }],
  sleep_nights: [{ user }, { user, detail: true }],
  workouts_list: [{ user }],
  workouts_detail: workoutIds.map((workout_id) => ({ user, workout_id })),
  recovery_daily: [{ user }],
  trends_get: enumOf('trends_get', 'metric').map((metric) => ({ user, metric })),
  anomalies_list: [{ user }],
  periods_compare: [{ user, period_a: { from: isoDaysAgo(27), to: isoDaysAgo(14) }, period_b: { from: isoDaysAgo(13), to: isoDaysAgo(0) } }],
  coverage_get: [{ user }],
  timeseries_get: [...enumOf('timeseries_get', 'metric').map((metric) => ({ user, metric })), ...['1min', '5min'].map((resolution) => ({ user, metric: 'heart_rate_bpm', resolution }))],
  scores_get: [{ user }],
  score_explain: enumOf('score_explain', 'kind').flatMap((kind) => [0, 1].map((ago) => ({ user, kind, date: isoDaysAgo(ago) }))),
  summary_by_period: [{ user }, { user, group_by: 'month' }],
};

function isoDaysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const rows: string[] = [];
for (const tool of tools) {
  let largest = { bytes: 0, args: {} as Record<string, unknown>, error: false };
  for (const args of calls[tool.name] ?? [{ user }]) {
    const result = await client.callTool({ name: tool.name, arguments: args });
    const bytes = Buffer.byteLength(JSON.stringify(result));
    if (bytes > largest.bytes) largest = { bytes, args, error: Boolean(result.isError) };
  }
  const variant = Object.entries(largest.args).filter(([k]) => k !== 'user' && k !== 'workout_id' && k !== 'date' && k !== 'period_a' && k !== 'period_b').map(([k, v]) => `${k}=${v}`).join(' ');
  rows.push(`| \`${tool.name}\` | ${largest.bytes} | ${Math.ceil(largest.bytes / 4)} | ${variant || 'defaults'}${largest.error ? ' (refused)' : ''} |`);
}
await client.close();
process.stdout.write(['| tool | bytes | ≈ tokens (bytes / 4) | largest with |', '| --- | ---: | ---: | --- |', ...rows].join('\n') + '\n');

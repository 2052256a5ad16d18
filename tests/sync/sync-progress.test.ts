import { spawn } from 'node:child_process';
import http from 'node:http';
import { databaseVariants } from '../support/databases.js';
import { ROOT } from '../support/paths.js';
import { connectPolar, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import { userGlobalId } from '../support/seed.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';

const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

/** Reads a server-sent-events GraphQL subscription to its end; returns each `next` payload. */
async function readSse(response: Response): Promise<any[]> {
  const events: any[] = [];
  const text = await response.text();
  for (const block of text.split('\n\n')) {
    const event = /^event: (\w+)/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event === 'next' && data) events.push(JSON.parse(data));
  }
  return events;
}

describe.each(databaseVariants())('syncProgress subscription over SSE (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  beforeAll(async () => {
    stack = await startPolarStack(variant, { SYNC_BACKFILL_DAYS: '30' });
  }, 60_000);
  afterAll(() => stopPolarStack(stack));

  it('streams phases and window counts of the backfill until it is done', async () => {
    const created = await stack.t.graphql('mutation { createUser(input: { externalId: "sse" }) { id } }');
    const redirect = await connectPolar(stack.fake, stack.t, userGlobalId(fromGlobalId(created.body.data.createUser.id)));
    const connectionId = redirect.searchParams.get('connectionId')!;
    const response = await stack.t.app.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: JSON.stringify({
        query: 'subscription($id: ID!) { syncProgress(connectionId: $id) { kind phase windowsDone windowsTotal fetched recordsWritten error } }',
        variables: { id: connectionId },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await readSse(response)).map((e) => e.data.syncProgress);
    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = events.at(-1);
    expect(last.phase).toBe('DONE');
    expect(last.kind).toBe('BACKFILL');
    expect(last.windowsDone).toBe(last.windowsTotal);
    expect(last.recordsWritten).toBeGreaterThan(0);
    // progress only moves forward
    for (let i = 1; i < events.length; i++) expect(events[i].windowsDone).toBeGreaterThanOrEqual(events[i - 1].windowsDone);
  }, 120_000);

  it('`npm run cli -- sync` resyncs through a running gateway and shows progress', async () => {
    const server = http.createServer(stack.t.app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const connection = await stack.t.database.prisma.connection.findFirstOrThrow();
      const id = Buffer.from(`Connection:${connection.id}`).toString('base64');
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'sync', id, '--from', '2026-11-10', '--to', '2026-11-20', '--url', url, '--key', TEST_ADMIN_KEY], {
          cwd: ROOT,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/\[#+-*\] +\d+% \d+\/\d+ windows/);
      expect(result.stderr).toContain('100%');
      expect(result.stdout).toMatch(/^sync done: \d+ fetched, \d+ written, \d+ skipped/);
      expect(result.stdout + result.stderr).not.toContain(TEST_ADMIN_KEY);
    } finally {
      server.close();
    }
  }, 120_000);

  it('refuses a subscription without a key', async () => {
    const response = await stack.t.app.yoga.fetch('http://gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { syncProgress(connectionId: "x") { phase } }' }),
    });
    expect(response.status).toBe(401);
  });
});

/**
 * The health graph as a Federation v2 subgraph behind the real Hive Gateway runtime, next to a tiny
 * accounts subgraph that knows users by its own id (our externalId). Everything over loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authorize } from '../fakes/polar/index.js';
import { databaseVariants } from '../support/databases.js';
import { ROOT } from '../support/paths.js';
import { REDIRECT, startPolarStack, stopPolarStack } from '../support/polar-app.js';
import { seedTwoProviders } from '../support/seed.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';
import { gql, post, sseEvents, startAccountsSubgraph, startGateway, startHealthSubgraph } from './support.js';

const CROSS_SUBGRAPH_QUERY = `query Members($ids: [String!]) {
  members(externalIds: $ids) {
    externalId
    email
    days(from: "2026-01-01", to: "2026-01-02") { date workouts { sport } sleep { score } }
  }
}`;

describe.each(databaseVariants())('federation: the health subgraph behind Hive Gateway (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  let health: Awaited<ReturnType<typeof startHealthSubgraph>>;
  let accounts: Awaited<ReturnType<typeof startAccountsSubgraph>>;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let externalIds: string[];

  beforeAll(async () => {
    // Sync workers off: these tests are about the API through the gateway, not about syncing.
    stack = await startPolarStack(variant, { SYNC_BACKFILL_DAYS: '5', RUN_WORKERS: 'false' }, { days: 10 });
    await seedTwoProviders(stack.t.database.prisma, { users: 3, days: 2, from: '2026-01-01' });
    externalIds = (await stack.t.database.prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map((u) => u.externalId!);
    health = await startHealthSubgraph(stack.t.app);
    accounts = await startAccountsSubgraph(externalIds.map((id) => ({ externalId: id, email: `${id}@example.com` })));
    // The health SDL is fetched from the running server (`_service { sdl }`, with a key); accounts' too.
    gateway = await startGateway([
      { name: 'health', url: health.url, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } },
      { name: 'accounts', url: accounts.url },
    ]);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await accounts?.close();
    await health?.close();
    if (stack) await stopPolarStack(stack);
  });

  it('answers one operation with fields of both subgraphs, with one _entities request to this server', async () => {
    health.requests.length = 0;
    const res = await gql(gateway.url, CROSS_SUBGRAPH_QUERY, { ids: externalIds }, TEST_ADMIN_KEY);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const members = res.body.data.members;
    expect(members).toHaveLength(3);
    for (const [i, member] of members.entries()) {
      expect(member.externalId).toBe(externalIds[i]);
      expect(member.email).toBe(`${externalIds[i]}@example.com`); // from accounts
      expect(member.days).toEqual([
        { date: '2026-01-01', workouts: [{ sport: 'RUNNING' }], sleep: [{ score: 70 }] }, // from this server
        { date: '2026-01-02', workouts: [], sleep: [{ score: 71 }] },
      ]);
    }
    const entityRequests = health.requests.filter((r) => r.query.includes('_entities'));
    expect(health.requests).toHaveLength(1);
    expect(entityRequests).toHaveLength(1);
    expect(entityRequests[0].variables?.representations).toEqual(externalIds.map((externalId) => ({ __typename: 'User', externalId })));
    expect(entityRequests[0].authorization).toBe(`Bearer ${TEST_ADMIN_KEY}`);
  });

  it("forwards the caller's API key: without one nothing is answered, and the subgraph alone still says 401", async () => {
    health.requests.length = 0;
    const res = await gql(gateway.url, `{ users(first: 1) { edges { node { id } } } }`);
    expect(res.status).toBe(401); // the same HTTP status as the API gives directly
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(health.requests.every((r) => r.authorization === null)).toBe(true);

    const direct = await post(health.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }', {
      r: [{ __typename: 'User', externalId: externalIds[0] }],
    });
    expect(direct.status).toBe(401);
    expect((await direct.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const unknownKey = await post(health.url, '{ _service { sdl } }', {}, 'whg_not_a_key');
    expect(unknownKey.status).toBe(401);
  });

  it('answers bad input with the same code, argument, message and HTTP status as the API directly', async () => {
    const query = '{ users(first: 1, after: "not-a-cursor") { edges { node { id } } } }';
    const direct = await gql(health.url, query, {}, TEST_ADMIN_KEY);
    const through = await gql(gateway.url, query, {}, TEST_ADMIN_KEY);
    expect(direct.status).toBe(400);
    expect(direct.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(through.status).toBe(direct.status);
    expect(through.body.data ?? null).toBeNull();
    expect(through.body.errors?.[0].message).toBe(direct.body.errors?.[0].message);
    expect(through.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('runs the connect and resync mutations and the syncProgress subscription through the gateway', async () => {
    const created = await gql(gateway.url, 'mutation { createUser(input: { externalId: "via-gateway" }) { id externalId } }', {}, TEST_ADMIN_KEY);
    expect(created.body.errors).toBeUndefined();
    const userId = created.body.data.createUser.id;
    const started = await gql(
      gateway.url,
      'mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }',
      { input: { userId, provider: 'POLAR', redirectUri: REDIRECT } },
      TEST_ADMIN_KEY,
    );
    expect(started.body.errors).toBeUndefined();
    const callback = new URL(await authorize(stack.fake, started.body.data.connectProvider.authorizationUrl));
    const redirected = await stack.t.app.yoga.fetch(`http://gateway.test${callback.pathname}${callback.search}`, { redirect: 'manual' });
    expect(redirected.status).toBe(302);
    const connectionId = new URL(redirected.headers.get('location')!).searchParams.get('connectionId')!;

    const subscribe = () =>
      post(gateway.url, 'subscription($id: ID!) { syncProgress(connectionId: $id) { kind phase windowsDone windowsTotal } }', { id: connectionId }, TEST_ADMIN_KEY, 'text/event-stream');

    // Workers are off here: the backfill stays planned, and the stream shows it.
    const backfill = await subscribe();
    expect(backfill.status).toBe(200);
    expect(backfill.headers.get('content-type')).toContain('text/event-stream');
    for await (const event of sseEvents(backfill)) {
      expect(event.errors).toBeUndefined();
      expect(event.data.syncProgress).toMatchObject({ kind: 'BACKFILL', phase: 'PLANNED', windowsDone: 0 });
      break; // leaves the stream: the gateway and the subgraph stop it
    }

    const resync = await gql(
      gateway.url,
      'mutation($id: ID!) { resyncConnection(connectionId: $id, from: "2026-11-18", to: "2026-11-20") { id kind status } }',
      { id: connectionId },
      TEST_ADMIN_KEY,
    );
    expect(resync.body.errors).toBeUndefined();
    expect(resync.body.data.resyncConnection).toMatchObject({ kind: 'RESYNC', status: 'RUNNING' });
    const runId = Buffer.from(resync.body.data.resyncConnection.id, 'base64').toString().split(':')[1];

    // Follow the resync through the gateway until it finishes (the run row is finished by hand).
    const events: any[] = [];
    for await (const event of sseEvents(await subscribe())) {
      events.push(event.data.syncProgress);
      if (events.length === 1) {
        const run = await stack.t.database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
        await stack.t.database.prisma.syncRun.update({ where: { id: runId }, data: { status: 'SUCCEEDED', windowsDone: run.windowsTotal, finishedAt: new Date() } });
      }
    }
    expect(events[0]).toMatchObject({ kind: 'RESYNC', phase: 'PLANNED', windowsDone: 0 });
    expect(events.at(-1)).toMatchObject({ kind: 'RESYNC', phase: 'DONE' });
    expect(events.at(-1).windowsDone).toBe(events.at(-1).windowsTotal);

    // The connection is an entity: reachable from the user through the gateway.
    const user = await gql(gateway.url, 'query($e: String!) { userByExternalId(externalId: $e) { connections { id provider status } } }', { e: 'via-gateway' }, TEST_ADMIN_KEY);
    expect(user.body.data.userByExternalId.connections).toEqual([{ id: connectionId, provider: 'POLAR', status: 'ACTIVE' }]);
  }, 60_000);

  // The command and its configuration, once (the database behind the subgraph does not matter to it).
  const onFirstVariant = variant === databaseVariants()[0] ? it : it.skip;
  onFirstVariant('`npm run gateway` with a README-style config composes and answers the cross-subgraph query', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-gateway-'));
    const configFile = path.join(dir, 'gateway.config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        subgraphs: [
          { name: 'health', url: '${HEALTH_SUBGRAPH_URL:-http://localhost:4000/graphql}', schemaFile: path.join(ROOT, 'subgraph.graphql') },
          { name: 'accounts', url: accounts.url },
        ],
      }),
    );
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/gateway/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GATEWAY_CONFIG: configFile, GATEWAY_PORT: '0', GATEWAY_HOST: '127.0.0.1', HEALTH_SUBGRAPH_URL: health.url, GATEWAY_LOG_LEVEL: 'error' },
      });
      let stdout = '';
      let stderr = '';
      child.stderr!.on('data', (c) => (stderr += c));
      const url = await new Promise<string>((resolve, reject) => {
        child!.stdout!.on('data', (c) => {
          stdout += c;
          const match = /GraphQL +(http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1]);
        });
        child!.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
      });
      expect(stdout).toContain('health -> ' + health.url);
      health.requests.length = 0;
      const res = await gql(url, CROSS_SUBGRAPH_QUERY, { ids: externalIds.slice(0, 2) }, TEST_ADMIN_KEY);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.members.map((m: any) => [m.email, m.days[0].sleep[0].score])).toEqual(externalIds.slice(0, 2).map((id) => [`${id}@example.com`, 70]));
      expect(health.requests.filter((r) => r.query.includes('_entities'))).toHaveLength(1);
    } finally {
      child?.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000 /* a child process compiling TypeScript: 5-10 s on a quiet machine, 30+ on a busy one */);
});

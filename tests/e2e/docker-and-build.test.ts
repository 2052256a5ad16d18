/**
 * Issue 13 item 19. No Docker engine runs on the machines this is developed on, so the compose
 * file and the Dockerfile are checked by reading them for the properties that matter, and the
 * compiled build they run (scripts/start.mjs <entry>) is started for real:
 * - compose refuses to start without ENCRYPTION_KEY (`${VAR:?message}`), instead of an api that
 *   exits and restarts forever;
 * - the runtime image carries no dev dependencies (multi-stage, `npm prune --omit=dev`);
 * - api, worker and gateway run the compiled build, never tsx;
 * - the README's Node section names every package that wants a newer Node than the one here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { openTestDatabase, type TestDatabase } from '../support/databases.js';
import { ROOT } from '../support/paths.js';
import { freePort } from '../support/server-process.js';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** What a compose `command:` or the image's CMD runs, with `npm run X` replaced by X's script. */
/** Whether an engines range (`>=22.12.0`, `^22 || >=24`...) leaves out Node 20.19 (the version here); ranges of other shapes count as allowing it. */
function excludesNode20(range: string): boolean {
  return range.split('||').every((alternative) => {
    const m = /^\s*(>=|\^|~)?\s*v?(\d+)(?:\.(\d+))?/.exec(alternative);
    if (!m) return false;
    const [major, minor] = [Number(m[2]), Number(m[3] ?? 0)];
    if (m[1] === '>=') return major > 20 || (major === 20 && minor > 19);
    return major !== 20;
  });
}

function resolveCommand(argv: string[]): string {
  if (argv[0] === 'npm' && argv[1] === 'run') return scripts[argv[2]!]!;
  if (argv[0] === 'npm' && argv[1] === 'start') return scripts.start!;
  return argv.join(' ');
}

describe('docker/docker-compose.yml', () => {
  const compose = parse(read('docker/docker-compose.yml')) as {
    'x-app-environment': Record<string, string>;
    services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
  };

  it('refuses to start without ENCRYPTION_KEY, with a message saying what to set', () => {
    const value = compose['x-app-environment'].ENCRYPTION_KEY!;
    expect(value).toMatch(/^\$\{ENCRYPTION_KEY:\?[^$}]{20,}\}$/);
    // No required variable falls back to an empty value anywhere.
    expect(read('docker/docker-compose.yml')).not.toMatch(/\$\{ENCRYPTION_KEY:-/);
  });

  it('runs the worker and the gateway through the compiled build, as the api (no tsx)', () => {
    const dockerfile = read('docker/Dockerfile');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const commands = {
      api: resolveCommand(compose.services.api!.command ?? cmd),
      worker: resolveCommand(compose.services.worker!.command!),
      gateway: resolveCommand(compose.services.gateway!.command!),
    };
    expect(commands).toEqual({ api: 'node scripts/start.mjs', worker: 'node scripts/start.mjs worker', gateway: 'node scripts/start.mjs gateway' });
    // `npm run worker` / `npm run gateway` outside Docker run the same build.
    expect([scripts.worker, scripts.gateway, scripts.start]).toEqual(['node scripts/start.mjs worker', 'node scripts/start.mjs gateway', 'node scripts/start.mjs']);
  });
});

describe('docker/Dockerfile', () => {
  // Instructions only (comments mention the same commands).
  const dockerfile = read('docker/Dockerfile').split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
  const stages = dockerfile.split(/^FROM /m).slice(1).map((text) => ({ name: /^\S+(?: AS (\S+))?/.exec(text)![1] ?? '', text }));

  it('is multi-stage: the runtime copies node_modules from a stage that pruned the dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages.at(-1)!;
    const from = /^COPY --from=(\S+) \/app\/node_modules \.\/node_modules$/m.exec(runtime.text)?.[1];
    expect(from).toBeDefined();
    const deps = stages.find((s) => s.name === from)!;
    const install = deps.text.indexOf('npm install');
    const generate = deps.text.indexOf('npm run postinstall');
    const prune = deps.text.indexOf('npm prune --omit=dev');
    expect(install).toBeGreaterThan(-1);
    // Pruned after the Prisma client is generated, before the runtime copies it.
    expect(prune).toBeGreaterThan(generate);
    expect(generate).toBeGreaterThan(install);
    expect(runtime.text).not.toMatch(/npm (install|ci)\b/);
    // What the runtime needs is a dependency, not a dev dependency (else prune would remove it).
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    for (const needed of ['tsx', 'prisma', '@prisma/client', 'graphql-yoga', '@graphql-hive/gateway-runtime', '@graphql-yoga/render-graphiql']) expect(Object.keys(pkg.dependencies)).toContain(needed);
    // The compiled build is made at image build time, as root.
    expect(runtime.text).toMatch(/^RUN node scripts\/start\.mjs --build$/m);
  });
});

describe('README: which Node runs what', () => {
  it('names every locked package whose engines exclude the Node version this project runs on', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string; engines?: { node?: string } }> };
    const wanting = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      if (where && range && excludesNode20(range)) wanting.add(where.replace(/^.*node_modules\//, ''));
    }
    expect(wanting.size).toBeGreaterThan(0);
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### Node versions'), readme.indexOf('\n## ', readme.indexOf('### Node versions')));
    expect(section.length).toBeGreaterThan(200);
    expect([...wanting].filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
});

function run(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(POLAR|OURA|SYNC|GATEWAY)_/.test(name) || ['NODE_OPTIONS', 'NODE_ENV', 'PORT', 'DATA_DIR', 'SANDBOX', 'DATABASE_URL'].includes(name)) delete env[name];
  return { ...env, ...extra };
}

describe('the compiled build starts every entry point', () => {
  it('builds worker and gateway entry points next to main (node scripts/start.mjs <entry> --build)', async () => {
    for (const entry of ['worker', 'gateway']) {
      const built = run([entry, '--build'], cleanEnv({}));
      expect(await built.exited).toBe(0);
      const file = /^built (\S+)$/m.exec(built.output())?.[1];
      expect(file).toMatch(new RegExp(`node_modules/\\.cache/wearable-graph/[0-9a-f]{16}/${entry === 'gateway' ? 'gateway/main' : 'worker'}\\.js$`));
      expect(fs.existsSync(path.join(ROOT, file!))).toBe(true);
    }
    const unknown = run(['nope'], cleanEnv({}));
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('unknown entry point "nope" (one of: main, worker, gateway)');
  }, 120_000);

  it('the gateway serves from the compiled build (health, GraphiQL) and stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-gateway-'));
    const config = path.join(dir, 'gateway.config.json');
    fs.writeFileSync(config, JSON.stringify({ subgraphs: [{ name: 'health', url: 'http://127.0.0.1:9/graphql', schemaFile: path.join(ROOT, 'subgraph.graphql') }] }));
    const port = await freePort();
    const gateway = run(['gateway'], cleanEnv({ GATEWAY_CONFIG: config, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_LOG_LEVEL: 'warn' }));
    try {
      await until('the gateway answering /health', () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false), gateway.output);
      expect(gateway.output()).not.toMatch(/through tsx/);
      const page = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script src="\/graphiql\/[0-9a-f]{12}\/graphiql\.js">/);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  const describePg = process.env.TEST_DATABASE_URL ? describe : describe.skip;
  describePg('the worker (PostgreSQL)', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase('postgresql');
    });
    afterAll(() => database?.close());

    it('starts from the compiled build and stops cleanly on SIGTERM', async () => {
      const worker = run(['worker'], cleanEnv({ DATABASE_URL: database.url!, ENCRYPTION_KEY: '33'.repeat(32) }));
      try {
        await until('"worker started"', () => /INFO  worker started/.test(worker.output()), worker.output);
        expect(worker.output()).not.toMatch(/through tsx/);
        worker.child.kill('SIGTERM');
        expect(await worker.exited).toBe(0);
        expect(worker.output()).toMatch(/SIGTERM: worker stopped/);
      } finally {
        if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      }
    }, 120_000);
  });
});

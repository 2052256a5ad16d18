/** The CLI's usage names every registered provider wherever a provider is taken (issue 13 item 11). */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { PROVIDERS } from '../../src/providers/registry.js';
import { ROOT } from '../support/paths.js';

it('lists every provider for webhooks and replay', () => {
  const result = spawnSync('npx', ['tsx', 'src/cli/index.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
  const usage = result.stdout + result.stderr;
  const slugs = PROVIDERS.map((p) => p.slug);
  expect(slugs.length).toBeGreaterThan(1);
  for (const line of ['webhooks register', 'webhooks unregister', 'replay [--provider']) {
    const shown = usage.split('\n').find((l) => l.includes(line));
    expect(shown).toBeDefined();
    for (const slug of slugs) expect(shown).toContain(slug);
  }
}, 60_000);

it('--help prints the usage and succeeds; a usage error is printed after the usage, last', () => {
  const run = (...args: string[]) => spawnSync('npx', ['tsx', 'src/cli/index.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
  for (const flag of ['--help', '-h', 'help']) {
    const help = run(flag);
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: npm run cli -- <command>/);
  }
  const wrong = run('frobnicate');
  expect(wrong.status).toBe(64);
  expect(wrong.stderr.trimEnd().split('\n').at(-1)).toBe('error: unknown command "frobnicate"');
}, 120_000);

it('a remote command against a server that is not there says where it looked and what to do', async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const result = spawnSync('npx', ['tsx', 'src/cli/index.ts', 'sync', 'Q29ubmVjdGlvbjp4', '--url', `http://127.0.0.1:${port}`, '--key', 'whg_x'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`cannot reach http://127.0.0.1:${port}`);
  expect(result.stderr).toMatch(/npm start.*--url/);
}, 60_000);

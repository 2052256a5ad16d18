/** The CLI's usage names every registered provider wherever a provider is taken (issue 13 item 11). */
import { spawnSync } from 'node:child_process';
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

/**
 * A real browser on GraphiQL: the server as a child process with no provider credentials (the
 * sandbox simulators stand in), `npm run cli -- demo` to connect both sandboxes, then Debian's
 * chromium through playwright-core: set the Authorization header in GraphiQL's Headers editor,
 * load the Days query and its variables, run it, check the rendered result shows Polar and Oura
 * side by side, and save the screenshot the README shows (docs/images/graphiql-days.png). Also what
 * a newcomer sees first: no UNAUTHENTICATED before a key is set, the schema (Docs) loading by
 * itself once it is, and GraphiQL's files served compressed by this server.
 *
 * Needs /usr/bin/chromium (.ci/run installs Debian's package); without it the test is skipped
 * with a loud message.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../support/paths.js';
import { freePort, killAllServers, startServer, waitUntilReady, type ServerProcess } from '../support/server-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The README's picture is rewritten only when asked (UPDATE_SCREENSHOTS=1): a test run must not dirty the tree.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/images/graphiql-days.png') : path.join(os.tmpdir(), `graphiql-days-${process.pid}.png`);
const KEY = 'whg_browser_test_admin_key_0123456789';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(
    [
      '',
      '!!=====================================================================!!',
      `!! BROWSER TEST SKIPPED: no chromium at ${CHROMIUM}`.padEnd(71) + '!!',
      '!! install it: apt-get update && apt-get install -y chromium          !!',
      '!! (.ci/run does this; set CHROMIUM_PATH for another location)         !!',
      '!!=====================================================================!!',
      '',
    ].join('\n'),
  );
}

/** Runs `npm run cli -- demo` (the same entry point) against the server; returns its stdout. */
function runDemoCli(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, API_KEY: KEY, SERVER_URL: url };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'demo', '--external-id', 'alice'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`demo exited ${code}\n${err}\n${out}`))));
  });
}

/**
 * Replaces the whole content of the (Monaco) editor in `container` the way a person does: select
 * all, paste. (Typing would be re-indented and auto-closed by the editor.)
 */
async function fillEditor(page: Page, container: string, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.locator(container).first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.press('ControlOrMeta+V');
}

(haveChromium ? describe : describe.skip)('GraphiQL in a real browser (chromium)', () => {
  let server: ServerProcess;
  let url: string;
  let dataDir: string;
  let userDataDir: string;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-browser-'));
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-chromium-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = startServer(port, { DATA_DIR: dataDir, INITIAL_API_KEY: KEY, PUBLIC_URL: url, SYNC_BACKFILL_DAYS: '21' });
    await waitUntilReady(server, KEY);
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await killAllServers();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('runs the Days join query in GraphiQL and renders Polar workouts next to Oura sleep', async () => {
    const printed = await runDemoCli(url);
    const variables = JSON.parse(/\{\s*"userId"[\s\S]*?\}/.exec(printed)![0]) as { userId: string; from: string; to: string };
    const query = /query Days[\s\S]*?\n\}/.exec(printed)![0];

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      // Tall enough that the editor (which renders only visible lines) shows the days after the
      // connections of every sandbox provider the demo connected.
      viewport: { width: 1600, height: 2600 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const encodings = new Map<string, string | undefined>();
    page.on('response', (response) => encodings.set(new URL(response.url()).pathname, response.headers()['content-encoding']));
    await page.goto(`${url}/graphql`, { waitUntil: 'load' });
    await page.locator('.graphiql-container').first().waitFor({ timeout: 60_000 });
    // The starting document is there, with its explanation of the Authorization header.
    await page.getByText('AUTHORIZATION').first().waitFor();
    // GraphiQL's files came compressed, from this server.
    const script = [...encodings.keys()].find((p) => /^\/graphiql\/[0-9a-f]{12}\/graphiql\.js$/.test(p));
    expect(script && encodings.get(script)).toBe('br');

    // First visit, before any key: no UNAUTHENTICATED, but where the key goes.
    const response = page.locator('.graphiql-response');
    await response.getByText('No API key yet').first().waitFor({ timeout: 30_000 });
    expect(await response.innerText()).not.toContain('UNAUTHENTICATED');
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();

    try {
      await runInGraphiQL(page, query, variables);
    } catch (error) {
      await page.screenshot({ path: path.join(os.tmpdir(), 'graphiql-failure.png') }).catch(() => undefined);
      throw error;
    }
    const result = page.locator('.graphiql-response');
    const text = await result.innerText();
    expect(text).toContain('"POLAR"');
    expect(text).toContain('"OURA"');
    expect(text).toContain('"workouts"');
    expect(text).toContain('"sleep"');
    expect(text).not.toContain('"errors"');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
  }, 600_000);
});

async function runInGraphiQL(page: Page, query: string, variables: object): Promise<void> {
  const toolTab = (name: string) => page.locator('.graphiql-editor-tools button', { hasText: name }).first();
  const openTool = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor';
  // The Headers tab (GraphiQL opens with it showing): the API key.
  await toolTab('Headers').click();
  await fillEditor(page, openTool, JSON.stringify({ Authorization: `Bearer ${KEY}` }, null, 2));
  // The schema loads by itself once the key is there (was "Error fetching schema" until a manual re-fetch).
  await page.locator('.graphiql-doc-explorer').getByText('Root Types').first().waitFor({ timeout: 30_000 });
  await page.locator('button[aria-label="Hide Documentation Explorer"]').click();
  // The Days query, and its variables as the demo printed them.
  await fillEditor(page, '.graphiql-query-editor .monaco-editor', query);
  await toolTab('Variables').click();
  await fillEditor(page, openTool, JSON.stringify(variables, null, 2));
  await page.locator('.graphiql-execute-button').click();
  await page.locator('.graphiql-response').getByText('"OURA"').first().waitFor({ timeout: 60_000 });
}

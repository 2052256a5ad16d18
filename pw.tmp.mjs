import { chromium } from 'playwright-core';
const url = 'http://127.0.0.1:25100';
const ctx = await chromium.launchPersistentContext('/tmp/p13/chrome-' + Date.now(), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'], viewport: { width: 1400, height: 1000 } });
await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
const page = ctx.pages()[0] ?? await ctx.newPage();
const requests = [];
page.on('response', (r) => requests.push(`${r.status()} ${r.url().slice(0,90)} ${r.headers()['content-encoding'] ?? ''}`));
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
page.on('console', (m) => { if (m.type() === 'error') console.log('CONSOLE', m.text().slice(0,200)); });
await page.goto(`${url}/graphql`, { waitUntil: 'load' });
await page.locator('.graphiql-container').first().waitFor({ timeout: 60000 });
await page.waitForTimeout(3000);
await page.screenshot({ path: '/tmp/p13/first.png' });
// open docs
await page.locator('button[aria-label="Show Documentation Explorer"]').click().catch(e => console.log('nodocs', e.message));
await page.waitForTimeout(1000);
await page.screenshot({ path: '/tmp/p13/docs-before.png' });
console.log('DOCS BEFORE:', (await page.locator('.graphiql-doc-explorer').innerText().catch(() => 'n/a')).slice(0, 300));
// set key
const toolTab = (name) => page.locator('.graphiql-editor-tools button', { hasText: name }).first();
await toolTab('Headers').click();
await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify({ Authorization: 'Bearer whg_pages13_test_key_0123456789abc' }));
await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor').first().click();
await page.keyboard.press('ControlOrMeta+A'); await page.keyboard.press('Delete'); await page.keyboard.press('ControlOrMeta+V');
await page.waitForTimeout(3000);
console.log('DOCS AFTER:', (await page.locator('.graphiql-doc-explorer').innerText().catch(() => 'n/a')).slice(0, 300));
await page.screenshot({ path: '/tmp/p13/docs-after.png' });
console.log(requests.join('\n'));
await ctx.close();

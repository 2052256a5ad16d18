/** The start-up banner names this server's own URL wherever it tells the reader to go (PORT=5100 included). */
import { banner, type BannerApp } from '../../src/banner.js';
import { loadConfig } from '../../src/config.js';

describe('start-up banner', () => {
  it('with PORT=5100, every URL and the "Try it" command name port 5100', () => {
    const config = loadConfig({ PORT: '5100', DATA_DIR: '.test-data/unused' });
    const app = { config, database: { description: 'embedded PGlite in /tmp/x' }, sandbox: {}, generatedApiKey: null, adminKeyNeverUsed: false } as unknown as BannerApp;
    const text = banner(app, 'http://localhost:5100');
    expect(text).toContain('GraphQL + GraphiQL  http://localhost:5100/graphql');
    expect(text).toContain('http://localhost:5100/sandbox/<provider>');
    // The CLI runs in another terminal, where PORT=5100 may not be set.
    expect(text).toMatch(/Try it +API_KEY=<admin key> npm run cli -- demo --url http:\/\/localhost:5100\n/);
    expect(text).not.toContain('4000');
  });
});

describe('README walk-through with another PORT', () => {
  it('names localhost:4000 in its commands only where URL is set (so PORT=5100 needs one change)', async () => {
    const fs = await import('node:fs');
    const readme = fs.readFileSync('README.md', 'utf8');
    const walkThrough = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('How the sandbox behaves:'));
    const blocks = [...walkThrough.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const hardCoded = blocks.flatMap((b) => b.split('\n')).filter((line) => /localhost:\d+/.test(line) && !/^\s*(export )?URL=http:\/\/localhost:4000\s/.test(line));
    expect(hardCoded).toEqual([]);
    expect(walkThrough).toContain('npm run cli -- demo --url $URL');
  });
});

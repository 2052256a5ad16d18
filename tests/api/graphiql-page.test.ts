/**
 * GraphiQL as served: a small page (its starting document with this server's URL and today's
 * dates) and content-hashed assets, compressed as the browser accepts and cached (ETag, immutable
 * assets); the same page from the gateway, with nothing loaded from a CDN.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import * as graphiql from '@graphql-yoga/render-graphiql/graphiql';
import { negotiateEncoding } from '../../src/http/graphiql-page.js';
import { createGateway } from '../../src/gateway/runtime.js';
import { composeSupergraph } from '../../src/gateway/compose.js';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const gunzip = promisify(zlib.gunzip);
const unbrotli = promisify(zlib.brotliDecompress);
const HTML = { accept: 'text/html,application/xhtml+xml' };
const todayUtc = () => new Date().toISOString().slice(0, 10);

async function bodyOf(res: Response): Promise<Buffer> {
  const raw = Buffer.from(await res.arrayBuffer());
  const encoding = res.headers.get('content-encoding');
  if (encoding === 'br') return unbrotli(raw);
  if (encoding === 'gzip') return gunzip(raw);
  return raw;
}

describe('negotiateEncoding', () => {
  it('prefers br, then gzip, honouring q-values and *', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip, deflate')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('*;q=0, identity')).toBe('identity');
    expect(negotiateEncoding(null)).toBe('identity');
    expect(negotiateEncoding('')).toBe('identity');
  });
});

describe.each(databaseVariants())('GraphiQL page and assets (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    // A non-default port and no PUBLIC_URL: the examples must follow the port.
    t = await createTestApp(variant, { PORT: '5100' });
  });
  afterAll(() => t.close());
  const get = (path: string, headers: Record<string, string>) => t.app.yoga.fetch(`http://localhost:5100${path}`, { headers });

  it('serves a small page, compressed as accepted, revalidated by ETag, whose examples name this server and today', async () => {
    const res = await get('/graphql', { ...HTML, 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    const html = (await bodyOf(res)).toString();
    // Was ~9 MB of inline script; now the page refers to the assets.
    expect(html.length).toBeLessThan(30_000);
    expect(html).toMatch(/<script src="\/graphiql\/[0-9a-f]{12}\/graphiql\.js"><\/script>/);
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    // The starting document: this server's URL (PORT 5100) and today's dates, never localhost:4000 or January.
    const today = todayUtc();
    const from = new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10);
    expect(html).toContain('http://localhost:5100/connected');
    expect(html).toContain('npm run cli -- demo --url http://localhost:5100');
    expect(html).not.toContain('localhost:4000');
    expect(html).toContain(`\\"from\\": \\"${from}\\"`);
    expect(html).toContain(`\\"to\\": \\"${today}\\"`);

    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+-br"$/);
    const again = await get('/graphql', { ...HTML, 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    const gz = await get('/graphql', { ...HTML, 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect((await bodyOf(gz)).toString()).toBe(html);
    expect(gz.headers.get('etag')).not.toBe(etag);
    const plain = await get('/graphql', HTML);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(html);
  });

  it('serves the assets under a content hash: immutable, compressed, byte for byte GraphiQL', async () => {
    const html = await (await get('/graphql', HTML)).text();
    const base = /<script src="(\/graphiql\/[0-9a-f]{12}\/)graphiql\.js">/.exec(html)![1];
    const expected: Record<string, string> = {
      'graphiql.js': graphiql.js,
      'graphiql.css': graphiql.css,
      'editor.worker.js': graphiql.editorWorkerService,
      'json.worker.js': graphiql.jsonWorker,
      'graphql.worker.js': graphiql.graphqlWorker,
    };
    let wire = 0;
    for (const [file, text] of Object.entries(expected)) {
      expect(html).toContain(`${base}${file}`);
      const res = await get(`${base}${file}`, { 'accept-encoding': 'br' });
      expect([file, res.status, res.headers.get('content-encoding')]).toEqual([file, 200, 'br']);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      wire += Number(res.headers.get('content-length'));
      expect((await bodyOf(res)).toString()).toBe(text);
      const cached = await get(`${base}${file}`, { 'accept-encoding': 'br', 'if-none-match': res.headers.get('etag')! });
      expect(cached.status).toBe(304);
    }
    // ~8.8 MB of text travels as less than a third of it.
    expect(wire).toBeLessThan(Object.values(expected).join('').length / 3);
    expect((await get('/graphiql/000000000000/graphiql.js', {})).status).toBe(404);
  }, 60_000);

  it('the page holds back the schema request until a key is in the Headers tab, and refetches when one is', async () => {
    const html = await (await get('/graphql', HTML)).text();
    expect(html).toContain('No API key yet');
    expect(html).toContain("localStorage.getItem('graphiql:headers')");
    expect(html).toContain("new KeyboardEvent('keydown', { key: 'R', ctrlKey: true, shiftKey: true })");
  });
});

describe('the gateway serves the same GraphiQL, offline', () => {
  it('answers its page and assets itself (Hive Gateway loads GraphiQL from a CDN)', async () => {
    const sdl = (await import('node:fs')).readFileSync('subgraph.graphql', 'utf8');
    const supergraphSdl = composeSupergraph([{ name: 'health', url: 'http://127.0.0.1:9/graphql', sdl }]);
    const gateway = createGateway({ supergraphSdl, logging: false });
    try {
      const page = await gateway.fetch('http://localhost:4100/graphql', { headers: { ...HTML, 'accept-encoding': 'gzip' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-encoding')).toBe('gzip');
      const html = (await bodyOf(page)).toString();
      expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
      const script = /<script src="(\/graphiql\/[0-9a-f]{12}\/graphiql\.js)">/.exec(html)![1];
      const asset = await gateway.fetch(`http://localhost:4100${script}`, { headers: { 'accept-encoding': 'br' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await bodyOf(asset)).toString()).toBe(graphiql.js);
    } finally {
      await gateway.dispose();
    }
  }, 60_000);
});

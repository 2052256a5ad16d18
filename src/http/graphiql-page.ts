/**
 * GraphiQL, served by us instead of by yoga's renderer: yoga's offline renderer inlines ~9 MB of
 * script, styles and editor workers into every page view, uncompressed and uncacheable. Here the
 * page is a few KB (its options: the starting document with this server's URL and today's
 * dates), and the assets are separate files under a content hash:
 *
 * - `GET /graphql` with `Accept: text/html`: the page, `Cache-Control: no-cache` with an ETag (a
 *   repeat visit is a 304; its dates change daily).
 * - `GET /graphiql/<hash>/<file>`: script, styles and the three editor workers,
 *   `Cache-Control: public, max-age=31536000, immutable` (a new GraphiQL version has a new hash).
 *
 * Everything is compressed as the browser accepts (br, else gzip; node:zlib, each asset once,
 * kept in memory) and works offline (nothing from a CDN). The gateway (`npm run gateway`) serves
 * the same page and assets.
 *
 * The page also fixes what a newcomer sees first: GraphiQL fetches the schema on load, before the
 * API key is in the Headers tab, and used to show UNAUTHENTICATED and then "Error fetching schema"
 * until a manual re-fetch. Here the schema request waits for a key (the Docs panel says where to
 * put it), and the schema is fetched again as soon as the Headers tab holds a new key.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** What the page passes to YogaGraphiQL (GraphiQL's props, JSON). */
export interface GraphiQLPageOptions {
  title: string;
  defaultQuery?: string;
  /** The Variables tab of the first visit (JSON text). */
  variables?: string;
  /** The Headers tab of the first visit (JSON text). */
  headers?: string;
  shouldPersistHeaders?: boolean;
  defaultEditorToolsVisibility?: boolean | 'variables' | 'headers';
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the request accepts (br, gzip, identity), by Accept-Encoding and its q-values. */
export function negotiateEncoding(acceptEncoding: string | null): Encoding {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return 'identity';
}

/** A body in every encoding, each compressed once, on first use. */
class Encoded {
  private readonly compressed = new Map<Encoding, Promise<Buffer>>();
  readonly etag: string;
  constructor(readonly body: Buffer) {
    this.etag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  }
  get(encoding: Encoding): Promise<Buffer> {
    if (encoding === 'identity') return Promise.resolve(this.body);
    let done = this.compressed.get(encoding);
    if (!done) {
      done =
        encoding === 'br'
          ? // Quality 6: ~1 s for the 5 MB script, within 15% of the best (11 takes ~25 s).
            brotli(this.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 6, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.body.length } })
          : gzip(this.body, { level: 9 });
      this.compressed.set(encoding, done);
    }
    return done;
  }
}

/** Answers `encoded` as the request accepts, or 304 when the browser holds this version. */
async function send(request: Request, encoded: Encoded, contentType: string, cacheControl: string): Promise<Response> {
  const encoding = negotiateEncoding(request.headers.get('accept-encoding'));
  const etag = `"${encoded.etag}${encoding === 'identity' ? '' : `-${encoding}`}"`;
  const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': cacheControl, etag, vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff' };
  const held = (request.headers.get('if-none-match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (held.includes(etag)) return new Response(null, { status: 304, headers });
  const body = await encoded.get(encoding);
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

interface Assets {
  /** The URL path prefix, /graphiql/<hash>/. */
  base: string;
  files: Map<string, { encoded: Encoded; type: string }>;
  favicon: string;
}

let assets: Promise<Assets> | null = null;

/** GraphiQL's files from @graphql-yoga/render-graphiql (loaded on the first page view: ~9 MB that no API request needs). */
function loadAssets(): Promise<Assets> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then((g) => {
    const js = 'application/javascript; charset=utf-8';
    const sources: Record<string, [string, string]> = {
      'graphiql.js': [g.js, js],
      'graphiql.css': [g.css, 'text/css; charset=utf-8'],
      'editor.worker.js': [g.editorWorkerService, js],
      'json.worker.js': [g.jsonWorker, js],
      'graphql.worker.js': [g.graphqlWorker, js],
    };
    const files = new Map(Object.entries(sources).map(([name, [text, type]]) => [name, { encoded: new Encoded(Buffer.from(text)), type }]));
    // The favicon comes as a 150 KB data: URL; a file of its own keeps it out of every page view.
    const icon = /^data:([^;,]+);base64,(.*)$/s.exec(g.favicon);
    if (icon) files.set('favicon.ico', { encoded: new Encoded(Buffer.from(icon[2], 'base64')), type: icon[1] });
    const hash = createHash('sha256');
    for (const file of files.values()) hash.update(file.encoded.etag);
    const base = `/graphiql/${hash.digest('hex').slice(0, 12)}/`;
    return { base, files, favicon: icon ? `${base}favicon.ico` : g.favicon };
  });
  return assets;
}

/** `<` and friends escaped so that a JSON value cannot end the inline script. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Runs in the page before GraphiQL: holds back the schema request while the Headers tab has no
 * key (answering it with an explanation instead of a 401), and asks GraphiQL to fetch the schema
 * again (its Shift-Ctrl-R) when the Headers tab gets a key it has not tried yet.
 */
export const KEY_WATCH_SCRIPT = `(function () {
  var PLACEHOLDER = /^\\s*(Bearer\\s*)?(<[^>]*>|whg_\\.\\.\\.)?\\s*$/i;
  var NO_KEY = 'No API key yet. Put yours in the Headers tab below, as {"Authorization": "Bearer whg_..."}: the schema (Docs, autocompletion) loads as soon as you do. (The first npm start printed an admin key.)';
  function authorizationOf(headers) {
    if (!headers) return null;
    if (typeof headers.get === 'function') return headers.get('authorization');
    var list = Array.isArray(headers) ? headers : Object.entries(headers);
    for (var i = 0; i < list.length; i++) if (String(list[i][0]).toLowerCase() === 'authorization') return String(list[i][1]);
    return null;
  }
  function storedAuthorization() {
    try {
      var text = localStorage.getItem('graphiql:headers');
      return text ? authorizationOf(JSON.parse(text)) : null;
    } catch (e) { return null; }
  }
  var tried = null;
  var failed = false;
  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var body = init && typeof init.body === 'string' ? init.body : '';
    if (body.indexOf('__schema') < 0 || body.indexOf('IntrospectionQuery') < 0) return realFetch(input, init);
    var key = authorizationOf(init.headers);
    tried = key;
    if (!key || PLACEHOLDER.test(key)) {
      failed = true;
      return Promise.resolve(new Response(JSON.stringify({ errors: [{ message: NO_KEY, extensions: { code: 'NO_API_KEY_YET' } }] }), { status: 200, headers: { 'content-type': 'application/json' } }));
    }
    return realFetch(input, init).then(function (response) { failed = !response.ok; return response; }, function (error) { failed = true; throw error; });
  };
  setInterval(function () {
    if (!failed) return;
    var key = storedAuthorization();
    if (!key || PLACEHOLDER.test(key) || key === tried) return;
    tried = key;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'R', ctrlKey: true, shiftKey: true }));
  }, 400);
})();`;

function pageHtml(a: Assets, options: GraphiQLPageOptions): string {
  const worker = (name: string) => `${a.base}${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="${escapeHtml(a.favicon)}">
<link rel="stylesheet" href="${a.base}graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run GraphiQL.</noscript>
<div id="root"></div>
<script>
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (moduleId, label) {
    return ${scriptJson({ editorWorkerService: worker('editor.worker.js'), json: worker('json.worker.js'), graphql: worker('graphql.worker.js') })}[label];
  },
};
${KEY_WATCH_SCRIPT}
</script>
<script src="${a.base}graphiql.js"></script>
<script>
YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
</script>
</body>
</html>
`;
}

/** GET with Accept: text/html on the GraphQL path: a browser asking for the page (yoga's own test). */
const wantsPage = (request: Request) => (request.method === 'GET' || request.method === 'HEAD') && (request.headers.get('accept') ?? '').includes('text/html');

export interface GraphiQLPageConfig {
  graphqlPath: string;
  /** The page's options for this request (its starting document follows the server and the date). */
  options: (request: Request) => GraphiQLPageOptions;
}

/**
 * Serves GraphiQL's page on the GraphQL path and its assets under /graphiql/<hash>/ (see the top
 * of this file). Give yoga `graphiql: false` so that this plugin alone answers.
 */
export function useGraphiQLPage(config: GraphiQLPageConfig): Plugin {
  const pages = new Map<string, Encoded>();
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname.startsWith('/graphiql/') && (request.method === 'GET' || request.method === 'HEAD')) {
        const a = await loadAssets();
        const file = url.pathname.startsWith(a.base) ? a.files.get(url.pathname.slice(a.base.length)) : undefined;
        // Another hash: a page from before an upgrade; the browser reloads the page.
        if (!file) return endResponse(new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' } }));
        return endResponse(await send(request, file.encoded, file.type, 'public, max-age=31536000, immutable'));
      }
      if ((url.pathname === config.graphqlPath || url.pathname === `${config.graphqlPath}/`) && wantsPage(request)) {
        const a = await loadAssets();
        const html = pageHtml(a, config.options(request));
        // The same page text is compressed once (it changes with the date and the origin only).
        let encoded = pages.get(html);
        if (!encoded) {
          if (pages.size > 16) pages.clear();
          encoded = new Encoded(Buffer.from(html));
          pages.set(html, encoded);
        }
        return endResponse(await send(request, encoded, 'text/html; charset=utf-8', 'no-cache'));
      }
    },
  };
}

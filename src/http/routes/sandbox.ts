import type { Plugin } from 'graphql-yoga';
import { PROVIDERS } from '../../providers/registry.js';
import type { ProviderDeclaration } from '../../providers/types.js';
import type { SandboxRuntime } from '../../sandbox/runtime.js';

const htmlResponse = (html: string) => new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });

const SANDBOX_PATH = /^\/sandbox\/([a-z0-9-]+)(\/.*)?$/;

/** Hop-by-hop and length headers the proxy must not copy (the body is re-framed). */
const DROP_REQUEST = ['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding', 'keep-alive'];
const DROP_RESPONSE = ['connection', 'content-length', 'transfer-encoding', 'content-encoding', 'keep-alive'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /sandbox/ and /sandbox/<slug>/ (the address the banner shows): what the simulator is and how
 * to use it, instead of the simulator's own 404 at its API root.
 */
export function sandboxIndexPage(providers: readonly ProviderDeclaration[], current: ProviderDeclaration | null): string {
  const list = providers
    .map((p) => `<li>${p === current ? `<b>${escapeHtml(p.displayName)}</b>` : `<a href="/sandbox/${p.slug}/">${escapeHtml(p.displayName)}</a>`}: consent page <code>/sandbox/${p.slug}${escapeHtml(p.simulator.authorizationPath)}</code>, API <code>/sandbox/${p.slug}${escapeHtml(p.simulator.apiPath ?? '/')}</code></li>`)
    .join('\n');
  const title = current ? `${current.displayName} sandbox` : 'Sandbox';
  const about = current
    ? `<p>This is the built-in simulator of <b>${escapeHtml(current.displayName)}</b>: new connections to ${escapeHtml(current.displayName)} go here while <code>${current.envPrefix}_CLIENT_ID</code>/<code>_SECRET</code> are not set. It serves generated, plausible data dated relative to today, the same for the same user and <code>SANDBOX_SEED</code>.</p>`
    : '<p>Built-in simulators of the providers whose credentials are not configured. They serve generated, plausible data dated relative to today, the same for the same user and <code>SANDBOX_SEED</code>.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}: Wearable health graph</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#f1f1f1;padding:0 .2rem;border-radius:3px}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
${about}
<h2>Connect a user</h2>
<ol>
<li>Run <code>npm run cli -- demo</code> (with <code>API_KEY</code> set), which connects a demo user to every sandbox, or</li>
<li>in <a href="/graphql">GraphiQL</a>: <code>createUser</code>, then <code>connectProvider(input: { userId, provider: ${current ? current.id : '&lt;PROVIDER&gt;'} })</code>, open the returned <code>authorizationUrl</code> and press <b>Allow</b> (or <b>Deny</b>, to see the <code>access_denied</code> path). The backfill then runs through the normal sync.</li>
</ol>
<h2>Simulators</h2>
<ul>
${list}
</ul>
<p>The API endpoints answer only tokens this sandbox issued; the consent pages redirect only to this server's OAuth callbacks.</p>
</body></html>`;
}

/**
 * /sandbox/<slug>/...: the built-in provider simulators (src/sandbox/), mounted on the gateway's
 * own origin so a browser on the operator's laptop reaches the consent page at PUBLIC_URL. A
 * plain reverse proxy to the simulator's loopback listener; redirects are passed through.
 */
export function useSandboxRoutes(sandbox: SandboxRuntime, providers: readonly ProviderDeclaration[] = PROVIDERS): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if ((url.pathname === '/sandbox' || url.pathname === '/sandbox/') && (request.method === 'GET' || request.method === 'HEAD')) {
        return endResponse(htmlResponse(sandboxIndexPage(providers.filter((p) => sandbox.endpoints.has(p.slug)), null)));
      }
      const match = SANDBOX_PATH.exec(url.pathname);
      if (!match) return;
      const provider = providers.find((p) => p.slug === match[1]);
      if (provider && sandbox.endpoints.has(provider.slug) && (match[2] ?? '/') === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
        return endResponse(htmlResponse(sandboxIndexPage(providers.filter((p) => sandbox.endpoints.has(p.slug)), provider)));
      }
      const target = sandbox.endpoints.get(match[1]);
      if (!target) {
        return endResponse(new Response(JSON.stringify({ error: `no sandbox for "${match[1]}"` }), { status: 404, headers: { 'content-type': 'application/json' } }));
      }
      const headers = new Headers(request.headers);
      for (const name of DROP_REQUEST) headers.delete(name);
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      let upstream: Response;
      try {
        upstream = await fetch(`${target}${match[2] ?? '/'}${url.search}`, {
          method: request.method,
          headers,
          body: hasBody ? await request.arrayBuffer() : undefined,
          redirect: 'manual',
        });
      } catch {
        return endResponse(new Response('sandbox simulator unreachable', { status: 502 }));
      }
      const responseHeaders = new Headers(upstream.headers);
      for (const name of DROP_RESPONSE) responseHeaders.delete(name);
      const empty = upstream.status === 204 || upstream.status === 304 || request.method === 'HEAD';
      return endResponse(new Response(empty ? null : await upstream.arrayBuffer(), { status: upstream.status, headers: responseHeaders }));
    },
  };
}

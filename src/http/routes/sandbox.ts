import type { Plugin } from 'graphql-yoga';
import type { SandboxRuntime } from '../../sandbox/runtime.js';

const SANDBOX_PATH = /^\/sandbox\/([a-z0-9-]+)(\/.*)?$/;

/** Hop-by-hop and length headers the proxy must not copy (the body is re-framed). */
const DROP_REQUEST = ['host', 'connection', 'content-length', 'transfer-encoding', 'accept-encoding', 'keep-alive'];
const DROP_RESPONSE = ['connection', 'content-length', 'transfer-encoding', 'content-encoding', 'keep-alive'];

/**
 * /sandbox/<slug>/...: the built-in provider simulators (src/sandbox/), mounted on the gateway's
 * own origin so a browser on the operator's laptop reaches the consent page at PUBLIC_URL. A
 * plain reverse proxy to the simulator's loopback listener; redirects are passed through.
 */
export function useSandboxRoutes(sandbox: SandboxRuntime): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const match = SANDBOX_PATH.exec(url.pathname);
      if (!match) return;
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

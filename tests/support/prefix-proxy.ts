/**
 * A reverse proxy on loopback that serves one upstream under a path prefix, as an operator's
 * API gateway would (https://proxy.example/polar/... -> the provider's /...). Requests outside the
 * prefix answer 404 and are counted, so a client that drops the prefix fails visibly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PrefixProxy {
  /** http://127.0.0.1:PORT<prefix> */
  readonly base: string;
  /** Paths (with the prefix) of the requests forwarded. */
  readonly forwarded: string[];
  /** Paths of the requests refused for lacking the prefix. */
  readonly outside: string[];
  close(): Promise<void>;
}

export async function startPrefixProxy(upstream: string, prefix: string): Promise<PrefixProxy> {
  const forwarded: string[] = [];
  const outside: string[] = [];
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (!(path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`))) {
      outside.push(path);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `not under ${prefix}` }));
      return;
    }
    forwarded.push(path.split('?')[0]);
    const headers = { ...req.headers, host: target.host };
    const upstreamReq = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: path.slice(prefix.length) || '/', headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.writeHead(502).end());
    req.pipe(upstreamReq);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}${prefix}`,
    forwarded,
    outside,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A tiny "operator backend": the only place that holds a WRITE API key. The app (mobile or web)
 * signs in to the operator's own backend however it does today; this backend then asks the gateway
 * for a short-lived user token and hands only that to the app. The key never ships in the app.
 *
 *   SERVER_URL=http://localhost:4000 GATEWAY_WRITE_KEY=whg_... tsx examples/operator-backend.ts
 *   curl -X POST localhost:4100/health-token -H 'x-demo-user: alice'
 *
 * `x-demo-user` stands in for the operator's real session check (a cookie, its own JWT...): it
 * names the signed-in member by the operator's own id (the gateway's User.externalId).
 */
import http from 'node:http';

export interface OperatorBackendOptions {
  gatewayUrl: string;
  writeKey: string;
  /** Seconds the app's token lives (the gateway's default is one hour). */
  ttlSeconds?: number;
}

async function gateway<T>(options: OperatorBackendOptions, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${options.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.writeKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors?.length) throw new Error(body.errors?.[0]?.message ?? `gateway answered HTTP ${response.status}`);
  return body.data;
}

/** POST /health-token: a user token (SELF_READ, SELF_CONNECT) for the signed-in member. */
export function createOperatorBackend(options: OperatorBackendOptions): http.Server {
  return http.createServer(async (req, res) => {
    const member = req.headers['x-demo-user'];
    if (req.method !== 'POST' || req.url !== '/health-token' || typeof member !== 'string' || !member) {
      res.writeHead(404).end();
      return;
    }
    try {
      const { userByExternalId } = await gateway<{ userByExternalId: { id: string } | null }>(
        options,
        'query($e: String!) { userByExternalId(externalId: $e) { id } }',
        { e: member },
      );
      if (!userByExternalId) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no health profile for this member' }));
        return;
      }
      const { createUserToken } = await gateway<{ createUserToken: { token: string; expiresAt: string } }>(
        options,
        'mutation($u: ID!, $ttl: Int) { createUserToken(input: { userId: $u, scopes: [SELF_READ, SELF_CONNECT], ttlSeconds: $ttl }) { token expiresAt } }',
        { u: userByExternalId.id, ttl: options.ttlSeconds ?? null },
      );
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(createUserToken));
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    }
  });
}

// Run directly: tsx examples/operator-backend.ts (an example program; it reads its own environment).
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4100);
  const server = createOperatorBackend({ gatewayUrl: process.env.SERVER_URL ?? process.env.GATEWAY_URL ?? 'http://localhost:4000', writeKey: process.env.GATEWAY_WRITE_KEY ?? '' });
  server.listen(port, '127.0.0.1', () => console.log(`operator backend on http://127.0.0.1:${port} (POST /health-token)`));
}

import type { Plugin } from 'graphql-yoga';

/** Largest request body any route accepts (GraphQL documents and variables, webhooks, the sandbox's forms). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** The body, or null as soon as it is longer than `limit` (declared or counted while streaming): never more than `limit` bytes are held. */
export async function readLimited(request: Request, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: cancelling waits for the rest of the body, which is what must not be waited for.
      reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
}

const tooLarge = (limit: number) =>
  new Response(JSON.stringify({ error: `request body too large: at most ${limit} bytes` }), { status: 413, headers: { 'content-type': 'application/json' } });

/**
 * Every route refuses a body over `limit` with 413 before reading it: a declared Content-Length is
 * checked first; a body streamed without one is read up to the limit and no further. Runs before
 * every other plugin (routes included), so none of them can buffer an oversize body. `exempt`
 * names the routes that enforce their own limit while streaming (they must never buffer).
 */
export function useBodyLimit(limit: number = MAX_REQUEST_BODY_BYTES, options: { exempt?: (url: URL) => boolean } = {}): Plugin {
  return {
    async onRequest({ request, url, setRequest, endResponse }) {
      if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return;
      // Routes with their own, larger limit (push providers' webhooks) stream the body themselves.
      if (options.exempt?.(url)) return;
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        // Node's parser holds a request to its Content-Length: the body cannot be longer.
        if (Number(declared) > limit) endResponse(tooLarge(limit));
        return;
      }
      const body = await readLimited(request, limit);
      if (!body) return endResponse(tooLarge(limit));
      const headers = new Headers(request.headers);
      headers.delete('transfer-encoding');
      setRequest(new Request(request.url, { method: request.method, headers, body: new Uint8Array(body), signal: request.signal }));
    },
  };
}

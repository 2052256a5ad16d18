/** The simulators' minimal regex router; each simulator binds it to its own store. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RequestContextOf<Store> {
  req: IncomingMessage;
  res: ServerResponse;
  store: Store;
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export type HandlerOf<Store> = (ctx: RequestContextOf<Store>, params: string[]) => void | Promise<void>;

export interface RouteOf<Store> {
  method: string;
  pattern: RegExp;
  handler: HandlerOf<Store>;
}

/**
 * Resolves a route; `null` means no path matched, `'method'` means the path exists with another
 * method. `decodeParams` percent-decodes captured path segments (Oura does; Polar's ids are numeric).
 */
export function matchRoute<Store>(
  routes: RouteOf<Store>[],
  method: string,
  path: string,
  decodeParams: boolean,
): { route: RouteOf<Store>; params: string[] } | null | 'method' {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, params: decodeParams ? m.slice(1).map((p) => decodeURIComponent(p)) : m.slice(1) };
  }
  return pathMatched ? 'method' : null;
}

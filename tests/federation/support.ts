/**
 * Real parts over loopback for the federation tests: this server's yoga as a subgraph (recording
 * every GraphQL request it receives), a tiny accounts subgraph, and Hive Gateway in front of both.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { loadAndCompose } from '../../src/gateway/compose.js';
import type { SubgraphConfig } from '../../src/gateway/config.js';
import { createGateway, type Gateway } from '../../src/gateway/runtime.js';
import type { App } from '../../src/app.js';

export const ACCOUNTS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

"A member of the operator's product, known by its own id (the health graph's User.externalId)."
type User @key(fields: "externalId") {
  externalId: String!
  email: String!
}

type Query {
  "Members, optionally only those with these ids."
  members(externalIds: [String!]): [User!]!
}
`;

export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server } & Listening> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RecordedRequest {
  query: string;
  variables?: Record<string, any>;
  authorization: string | null;
}

/** This server's yoga on loopback; every GraphQL POST body it receives is recorded. */
export async function startHealthSubgraph(app: App): Promise<Listening & { requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const listening = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const authorization = (req.headers.authorization as string | undefined) ?? null;
    if (req.method === 'POST' && body.length) {
      try {
        const parsed = JSON.parse(body.toString('utf8'));
        for (const one of Array.isArray(parsed) ? parsed : [parsed]) requests.push({ query: one.query, variables: one.variables, authorization });
      } catch {
        // not JSON: yoga answers it
      }
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const response = await app.yoga.fetch(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: body.length ? body : undefined,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    // Stream chunk by chunk (server-sent events must not be buffered); stop when the client leaves.
    const reader = response.body.getReader();
    res.on('close', () => void reader.cancel().catch(() => {}));
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      res.write(value);
    }
    res.end();
  });
  return { ...listening, requests };
}

/** A tiny accounts service: its own User (by externalId) with an email. */
export async function startAccountsSubgraph(members: { externalId: string; email: string }[]): Promise<Listening & { sdl: string }> {
  const byId = new Map(members.map((m) => [m.externalId, m]));
  const schema = buildSubgraphSchema({
    typeDefs: parse(ACCOUNTS_SDL),
    resolvers: {
      Query: {
        members: (_root: unknown, args: { externalIds?: string[] | null }) =>
          args.externalIds ? args.externalIds.map((id) => byId.get(id)).filter(Boolean) : members,
      },
      User: {
        __resolveReference: (ref: { externalId: string }) => byId.get(ref.externalId) ?? null,
      },
    } as any,
  });
  const yoga = createYoga({ schema, logging: false, graphqlEndpoint: '/graphql' });
  const listening = await listen(yoga);
  return { ...listening, sdl: ACCOUNTS_SDL };
}

/** Composes the subgraphs (fetching `_service { sdl }` where no schemaFile is given) and serves Hive Gateway. */
export async function startGateway(subgraphs: SubgraphConfig[]): Promise<Listening & { gateway: Gateway; supergraphSdl: string }> {
  const supergraphSdl = await loadAndCompose(subgraphs);
  const gateway = createGateway({ supergraphSdl, logging: false });
  const listening = await listen(gateway);
  return {
    ...listening,
    gateway,
    supergraphSdl,
    close: async () => {
      await listening.close();
      await gateway.dispose();
    },
  };
}

export async function post(url: string, query: string, variables: Record<string, unknown> = {}, key: string | null = null, accept = 'application/json') {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return response;
}

export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, key: string | null = null) {
  const response = await post(url, query, variables, key);
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

/** The `next` payloads of a GraphQL-over-SSE response, as they arrive. */
export async function* sseEvents(response: Response): AsyncGenerator<any> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (\w+)/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'next' && data) yield JSON.parse(data);
        if (event === 'complete') return;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

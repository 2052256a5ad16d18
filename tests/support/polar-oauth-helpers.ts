/**
 * Small helpers for the Polar OAuth / admin suites: global ids, user creation, the callback as the
 * browser would call it, and snapshots of the rows a failed callback must not touch.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
export const fromGlobalId = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

/** The hash flow.ts stores instead of the state itself. */
export const stateHash = (state: string) => crypto.createHash('sha256').update(state).digest('hex');

export async function createUser(t: TestApp, externalId: string): Promise<{ id: string; gid: string }> {
  const created = await t.graphql('mutation($e: String!) { createUser(input: { externalId: $e }) { id } }', { e: externalId });
  if (created.body.errors) throw new Error(JSON.stringify(created.body.errors));
  const gid = created.body.data.createUser.id as string;
  return { id: fromGlobalId(gid), gid };
}

export const CONNECT_PROVIDER = `mutation($input: ConnectProviderInput!) { connectProvider(input: $input) { authorizationUrl } }`;

/** GET <path+query of callbackUrl> against the app, without following the redirect. */
export async function callGatewayCallback(t: TestApp, callbackUrl: string): Promise<Response> {
  const url = new URL(callbackUrl, 'http://gateway.test');
  return await t.app.yoga.fetch(`http://gateway.test${url.pathname}${url.search}`, { redirect: 'manual' });
}

/**
 * Every Connection and OAuthState row, for "nothing changed" comparisons. lastSyncedAt/updatedAt
 * are left out: backfills of connections made by earlier tests keep running in the background.
 */
export async function oauthSnapshot(t: TestApp) {
  const prisma = t.database.prisma;
  const [connections, states] = await Promise.all([
    prisma.connection.findMany({ orderBy: { id: 'asc' } }),
    prisma.oAuthState.findMany({ orderBy: { stateHash: 'asc' } }),
  ]);
  return { connections: connections.map(({ lastSyncedAt: _l, updatedAt: _u, ...rest }) => rest), states };
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Serves the app's yoga on 127.0.0.1:port (the fake's webhook PING and deliveries need a real socket). */
export async function listenOn(t: TestApp, port: number): Promise<{ close(): Promise<void> }> {
  const server = http.createServer(t.app.yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

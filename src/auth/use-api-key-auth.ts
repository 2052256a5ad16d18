import type { Plugin } from 'graphql-yoga';
import { createGraphQLError } from 'graphql-yoga';
import type { PrismaClient } from '../generated/prisma/client.js';
import { verifyApiKey, type AuthenticatedKey } from './api-keys.js';

export interface ApiKeyAuthOptions {
  prisma: PrismaClient;
}

export function unauthenticated() {
  // Deliberately the same message for a missing, malformed, unknown or revoked key.
  return createGraphQLError('Unauthorized: send a valid API key as "Authorization: Bearer <key>".', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * Every GraphQL operation needs a valid API key; the GraphiQL page itself (an HTML GET) does not,
 * so an analyst can open it and paste a key into the headers tab.
 */
export function useApiKeyAuth(options: ApiKeyAuthOptions): Plugin<{ apiKey?: AuthenticatedKey }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const token = bearerToken((context as unknown as { request: Request }).request);
      const apiKey = token ? await verifyApiKey(options.prisma, token) : null;
      if (!apiKey) throw unauthenticated();
      extendContext({ apiKey });
    },
  };
}

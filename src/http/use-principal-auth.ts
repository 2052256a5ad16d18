import type { Plugin } from 'graphql-yoga';
import { createGraphQLError } from 'graphql-yoga';
import type { AccessBoundary, BoundaryFactory } from '../auth/boundary.js';
import type { Principal, PrincipalResolver, Resolution } from '../auth/principal.js';

export interface PrincipalAuthOptions {
  resolver: PrincipalResolver;
  boundaries: BoundaryFactory;
  /** Per-request additions that depend on the boundary (the GraphQL loaders). */
  extend?: (boundary: AccessBoundary) => Record<string, unknown>;
}

const MESSAGES: Record<Exclude<Resolution, { principal: Principal }>['failure'], string> = {
  // Deliberately the same message for a missing, malformed, unknown or revoked API key.
  missing: 'Unauthorized: send a valid API key or user token as "Authorization: Bearer <credential>".',
  'unknown-key': 'Unauthorized: send a valid API key or user token as "Authorization: Bearer <credential>".',
  invalid: 'Unauthorized: the user token is not valid here (signature, issuer or audience).',
  expired: 'Unauthorized: the user token has expired; get a new one.',
  revoked: 'Unauthorized: the user token was revoked; get a new one.',
  'unknown-user': 'Unauthorized: the user token names no user of this gateway.',
};

export function unauthenticated(failure: keyof typeof MESSAGES = 'missing') {
  return createGraphQLError(MESSAGES[failure], {
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
 * Every GraphQL operation needs an API key or a user token; the GraphiQL page itself (an HTML GET)
 * does not, so an analyst can open it and paste a key into the headers tab. The context gets the
 * principal and its boundary, and `prisma` becomes the boundary's client: every resolver and
 * loader reads through it (src/auth/boundary.ts).
 */
export function usePrincipalAuth(options: PrincipalAuthOptions): Plugin<{ principal?: Principal; boundary?: AccessBoundary }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const token = bearerToken((context as unknown as { request: Request }).request);
      const resolution = await options.resolver.resolve(token);
      if (!('principal' in resolution)) throw unauthenticated(resolution.failure);
      const boundary = options.boundaries.for(resolution.principal);
      extendContext({ ...options.extend?.(boundary), principal: resolution.principal, boundary, prisma: boundary.prisma } as never);
    },
  };
}

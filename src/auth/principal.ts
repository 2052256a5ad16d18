/**
 * Who is asking: every bearer credential resolves here, in one place, to one Principal.
 *
 * - An API key (operator's backend, analysts): reads every user; WRITE and ADMIN as its scopes say.
 * - A user token (one user's app, phone, LLM session): minted by createUserToken, or issued by the
 *   operator's identity provider. Acts for exactly one user, with SELF_* scopes.
 *
 * The kinds are told apart by shape, not by trying each: a JWT (three base64url parts) is a user
 * token, routed by its `iss` to the gateway's own verifier or the IdP's; anything else is an API key.
 * Used by GraphQL (src/http/use-principal-auth.ts) and by any other API over the same services.
 */
import type { ApiKeyScope, PrismaClient } from '../generated/prisma/client.js';
import { verifyApiKey } from './api-keys.js';
import type { IdpTokenVerifier } from './idp.js';
import { isJwtShaped, revisionOf, TokenRejected, unverifiedIssuer, type TokenFailure, type UserTokenScope, type UserTokenSigner } from './user-tokens.js';

export interface ApiKeyPrincipal {
  kind: 'apiKey';
  /** The ApiKey row's id. */
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  scopes: UserTokenScope[];
  /** 'minted': createUserToken; 'idp': the operator's identity provider. */
  issuer: 'minted' | 'idp';
  expiresAt: Date;
  /** The revocation mark this token was accepted under (see stillValid). */
  revision: number;
  issuedAt: number | null;
}

export type Principal = ApiKeyPrincipal | UserPrincipal;

/** What a principal may do. Data it may see is the boundary's business (boundary.ts). */
export type Capability = 'read' | 'write' | 'admin' | 'connect' | 'ingest';

const USER_CAPABILITY: Record<Capability, UserTokenScope | null> = {
  read: 'SELF_READ',
  connect: 'SELF_CONNECT',
  ingest: 'SELF_INGEST',
  write: null,
  admin: null,
};
const KEY_CAPABILITY: Record<Capability, ApiKeyScope> = { read: 'READ', write: 'WRITE', admin: 'ADMIN', connect: 'WRITE', ingest: 'WRITE' };

/** The scope a principal of this kind would need for a capability (null: none of its kind can). */
export function scopeFor(kind: Principal['kind'], capability: Capability): string | null {
  return kind === 'apiKey' ? KEY_CAPABILITY[capability] : USER_CAPABILITY[capability];
}

export function can(principal: Principal, capability: Capability): boolean {
  if (principal.kind === 'apiKey') return principal.scopes.includes(KEY_CAPABILITY[capability]);
  const scope = USER_CAPABILITY[capability];
  return scope !== null && principal.scopes.includes(scope);
}

/** Key for per-principal limits: one bucket per API key, one per user (all of its tokens together). */
export function rateKeyOf(principal: Principal): string {
  return principal.kind === 'apiKey' ? `key:${principal.id}` : `user:${principal.userId}`;
}

export type Resolution = { principal: Principal } | { failure: TokenFailure | 'missing' | 'unknown-key' };

export class PrincipalResolver {
  constructor(
    private readonly options: { prisma: PrismaClient; signer: UserTokenSigner; idp: IdpTokenVerifier | null },
  ) {}

  get signer(): UserTokenSigner {
    return this.options.signer;
  }

  async resolve(bearer: string | null): Promise<Resolution> {
    if (!bearer) return { failure: 'missing' };
    if (!isJwtShaped(bearer)) {
      const key = await verifyApiKey(this.options.prisma, bearer);
      return key ? { principal: { kind: 'apiKey', id: key.id, name: key.name, scopes: key.scopes } } : { failure: 'unknown-key' };
    }
    try {
      return { principal: await this.resolveUserToken(bearer) };
    } catch (error) {
      if (error instanceof TokenRejected) return { failure: error.reason };
      throw error;
    }
  }

  private async resolveUserToken(token: string): Promise<UserPrincipal> {
    const issuer = unverifiedIssuer(token);
    const { signer, idp, prisma } = this.options;
    if (issuer === signer.issuer) {
      const verified = await signer.verify(token);
      const user = await prisma.user.findUnique({ where: { id: verified.userId }, select: { tokensRevokedAt: true } });
      if (!user) throw new TokenRejected('unknown-user');
      if (revisionOf(user.tokensRevokedAt) !== verified.revision) throw new TokenRejected('revoked');
      return { kind: 'user', userId: verified.userId, scopes: verified.scopes, issuer: 'minted', expiresAt: verified.expiresAt, revision: verified.revision, issuedAt: null };
    }
    if (idp && issuer === idp.issuer) {
      const verified = await idp.verify(token);
      const user = await prisma.user.findUnique({ where: { externalId: verified.externalId }, select: { id: true, tokensRevokedAt: true } });
      if (!user) throw new TokenRejected('unknown-user');
      const revision = revisionOf(user.tokensRevokedAt);
      // Revocation holds for IdP tokens issued up to the revocation's second (iat has 1 s resolution).
      if (revision && (verified.issuedAt === null || verified.issuedAt <= Math.floor(revision / 1000) * 1000)) throw new TokenRejected('revoked');
      return { kind: 'user', userId: user.id, scopes: verified.scopes, issuer: 'idp', expiresAt: verified.expiresAt, revision, issuedAt: verified.issuedAt };
    }
    throw new TokenRejected('invalid');
  }

  /**
   * Whether an already-resolved principal still holds (long-lived streams ask this as they go):
   * the API key is not revoked, the user token has not expired nor been revoked since.
   */
  async stillValid(principal: Principal): Promise<boolean> {
    const { prisma } = this.options;
    if (principal.kind === 'apiKey') {
      const key = await prisma.apiKey.findUnique({ where: { id: principal.id }, select: { revokedAt: true } });
      return !!key && !key.revokedAt;
    }
    if (principal.expiresAt.getTime() <= Date.now()) return false;
    const user = await prisma.user.findUnique({ where: { id: principal.userId }, select: { tokensRevokedAt: true } });
    return !!user && revisionOf(user.tokensRevokedAt) === principal.revision;
  }
}

/** Sets the user's revocation mark: every user token issued before now stops working. */
export async function revokeUserTokens(prisma: PrismaClient, userId: string): Promise<Date | null> {
  const now = new Date();
  const { count } = await prisma.user.updateMany({ where: { id: userId }, data: { tokensRevokedAt: now } });
  return count ? now : null;
}

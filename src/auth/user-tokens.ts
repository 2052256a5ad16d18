/**
 * User tokens minted by the gateway: JWTs (HS256) that act for one user with a few scopes.
 *
 * - Signed with USER_TOKEN_SIGNING_KEY, or with a key derived from the encryption key; earlier
 *   keys (USER_TOKEN_SIGNING_KEY_PREVIOUS, or the previous encryption keys) still verify, so a key
 *   rotates without downtime like the encryption key. The header's `kid` names the key.
 * - `iss` is this deployment's PUBLIC_URL and `aud` its GraphQL endpoint: a token from another
 *   deployment (or for another service) is refused.
 * - `rev` is the user's tokensRevokedAt (epoch ms, 0 for never) when the token was minted:
 *   revokeUserTokens moves it, and every earlier token stops matching (checked per request).
 */
import crypto from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ConfigError, USER_TOKEN_SCOPE_NAMES, type UserTokenScopeName } from '../config.js';
import { keyIdOf, parseKey } from '../security/crypto.js';

export type UserTokenScope = UserTokenScopeName;
export const USER_TOKEN_SCOPES = USER_TOKEN_SCOPE_NAMES;

export const DEFAULT_USER_TOKEN_TTL_SECONDS = 3600;
const ALGORITHM = 'HS256';
/** Clock skew allowed between replicas (and the IdP) when checking exp/nbf/iat. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface VerifiedUserToken {
  userId: string;
  scopes: UserTokenScope[];
  /** The revocation mark the token was minted under (epoch ms, 0 = never revoked). */
  revision: number;
  expiresAt: Date;
}

/** Why a bearer token was refused: told to the client (none of it reveals another user's data). */
export type TokenFailure = 'invalid' | 'expired' | 'revoked' | 'unknown-user';

export class TokenRejected extends Error {
  constructor(readonly reason: TokenFailure) {
    super(reason);
  }
}

/** Our scope names found in a claim (a space-separated string or an array), case-insensitive. */
export function scopesFromClaim(claim: unknown): UserTokenScope[] {
  const values = typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : [];
  const found = new Set<UserTokenScope>();
  for (const value of values) {
    const upper = value.toUpperCase();
    if ((USER_TOKEN_SCOPES as readonly string[]).includes(upper)) found.add(upper as UserTokenScope);
  }
  return USER_TOKEN_SCOPES.filter((s) => found.has(s));
}

export function revisionOf(tokensRevokedAt: Date | null): number {
  return tokensRevokedAt ? tokensRevokedAt.getTime() : 0;
}

/** The three kinds of bearer credential, told apart by shape: a JWT has three base64url parts. */
export function isJwtShaped(token: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The `iss` of a JWT, read before verification only to choose who verifies it. */
export function unverifiedIssuer(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as JWTPayload;
    return typeof payload.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

export class UserTokenSigner {
  readonly issuer: string;
  readonly audience: string;
  private readonly current: { kid: string; key: Uint8Array };
  private readonly byKid = new Map<string, Uint8Array>();

  /** `keys`: current first, then the ones that only verify. */
  constructor(options: { keys: Buffer[]; publicUrl: string }) {
    if (!options.keys.length) throw new Error('A user-token signer needs a key');
    for (const key of options.keys) {
      if (key.length < 32) throw new Error('User-token signing keys must be at least 32 bytes');
      if (!this.byKid.has(keyIdOf(key))) this.byKid.set(keyIdOf(key), new Uint8Array(key));
    }
    this.current = { kid: keyIdOf(options.keys[0]), key: new Uint8Array(options.keys[0]) };
    this.issuer = options.publicUrl;
    this.audience = `${options.publicUrl}/graphql`;
  }

  async mint(input: { userId: string; scopes: UserTokenScope[]; ttlSeconds: number; revision: number; now?: number }): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor((input.now ?? Date.now()) / 1000);
    const exp = now + input.ttlSeconds;
    const token = await new SignJWT({ scope: input.scopes.join(' '), rev: input.revision })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.current.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(input.userId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(crypto.randomBytes(12).toString('base64url'))
      .sign(this.current.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The token's claims, or TokenRejected ('invalid' or 'expired'); revocation is the caller's check. */
  async verify(token: string): Promise<VerifiedUserToken> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid ? this.byKid.get(header.kid) : undefined;
          if (!key) throw new TokenRejected('invalid');
          return key;
        },
        { issuer: this.issuer, audience: this.audience, algorithms: [ALGORITHM], clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['sub', 'exp', 'iat'] },
      );
      if (typeof payload.sub !== 'string' || typeof payload.rev !== 'number') throw new TokenRejected('invalid');
      return { userId: payload.sub, scopes: scopesFromClaim(payload.scope), revision: payload.rev, expiresAt: new Date(payload.exp! * 1000) };
    } catch (error) {
      throw asRejection(error);
    }
  }
}

export function asRejection(error: unknown): TokenRejected {
  if (error instanceof TokenRejected) return error;
  if (error instanceof errors.JWTExpired) return new TokenRejected('expired');
  return new TokenRejected('invalid');
}

/** USER_TOKEN_SIGNING_KEY (+ _PREVIOUS) when set, else keys derived from the encryption keys. */
export function signingKeys(config: { signingKey: string | null; signingKeysPrevious: string[] }, derived: () => Buffer[]): Buffer[] {
  if (!config.signingKey) return derived();
  const named = (value: string, variable: string) => {
    try {
      return parseKey(value);
    } catch {
      throw new ConfigError(`${variable} must be 32 bytes: 64 hex characters or 44 base64 characters`);
    }
  };
  return [named(config.signingKey, 'USER_TOKEN_SIGNING_KEY'), ...config.signingKeysPrevious.map((k) => named(k, 'USER_TOKEN_SIGNING_KEY_PREVIOUS'))];
}

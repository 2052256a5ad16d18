/**
 * Access tokens from the operator's own identity provider (Auth0, Keycloak, Cognito, Zitadel...):
 * verified against its JWKS (USER_TOKEN_JWKS_URL), which is cached and fetched again when a token
 * names a key id the cache does not hold (the IdP rotated its keys), at most once per
 * USER_TOKEN_JWKS_COOLDOWN_SECONDS. The claim USER_TOKEN_USER_CLAIM names the user's externalId.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { IdpConfig } from '../config.js';
import { asRejection, CLOCK_TOLERANCE_SECONDS, scopesFromClaim, TokenRejected, type UserTokenScope } from './user-tokens.js';

export interface VerifiedIdpToken {
  externalId: string;
  scopes: UserTokenScope[];
  /** `iat` in epoch ms (null when the token has none): compared with the user's tokensRevokedAt. */
  issuedAt: number | null;
  expiresAt: Date;
}

/** Asymmetric algorithms only: an HMAC token would be "signed" with a public JWKS key. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class IdpTokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly config: IdpConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
      cooldownDuration: config.jwksCooldownSeconds * 1000,
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5000,
    });
  }

  get issuer(): string {
    return this.config.issuer;
  }

  async verify(token: string): Promise<VerifiedIdpToken> {
    try {
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        ...(this.config.audience ? { audience: this.config.audience } : {}),
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      });
      const externalId = payload[this.config.userClaim];
      if (typeof externalId !== 'string' || !externalId) throw new TokenRejected('invalid');
      const scopes = scopesFromClaim(payload[this.config.scopesClaim]);
      return {
        externalId,
        scopes: scopes.length ? scopes : this.config.defaultScopes,
        issuedAt: typeof payload.iat === 'number' ? payload.iat * 1000 : null,
        expiresAt: new Date(payload.exp! * 1000),
      };
    } catch (error) {
      throw asRejection(error);
    }
  }
}

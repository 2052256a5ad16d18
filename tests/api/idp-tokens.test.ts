/**
 * Access tokens from the operator's own identity provider, verified against its JWKS. The issuer is
 * a small OIDC-shaped server on loopback (discovery document + JWKS, RS256 keys) that rotates its
 * signing key; the gateway fetches the JWKS again when a token names a key it has not seen.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { databaseVariants } from '../support/databases.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

/** An OIDC-shaped issuer: /.well-known/openid-configuration, /jwks.json, and a way to mint and rotate. */
async function startIssuer() {
  let keys: SigningKey[] = [];
  let jwksFetches = 0;
  let generation = 0;
  const newKey = async (): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = `key-${++generation}`;
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  };
  keys = [await newKey()];
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks.json`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/jwks.json') {
      jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get jwksFetches() {
      return jwksFetches;
    },
    /** A new signing key; the old one leaves the JWKS (tokens it signed stop verifying). */
    async rotate() {
      keys = [await newKey()];
    },
    async token(claims: Record<string, unknown>, options: { audience?: string; expiresIn?: number; issuedAt?: number; key?: SigningKey } = {}) {
      const key = options.key ?? keys[0];
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(url)
        .setAudience(options.audience ?? 'health-api')
        .setIssuedAt(options.issuedAt ?? now)
        .setExpirationTime((options.issuedAt ?? now) + (options.expiresIn ?? 600))
        .sign(key.privateKey);
    },
    newKey,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(databaseVariants())("the operator's identity provider (%s)", (variant) => {
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let t: TestApp;
  let aliceId: string;
  const me = (token: string) => t.graphql('{ me { id externalId } }', undefined, token);

  beforeAll(async () => {
    issuer = await startIssuer();
    t = await createTestApp(variant, {
      USER_TOKEN_ISSUER: issuer.url,
      USER_TOKEN_JWKS_URL: `${issuer.url}/jwks.json`,
      USER_TOKEN_AUDIENCE: 'health-api',
      USER_TOKEN_JWKS_COOLDOWN_SECONDS: '0',
    });
    aliceId = (await t.graphql('mutation { createUser(input: { externalId: "auth0|alice" }) { id } }')).body.data.createUser.id;
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  it("accepts the IdP's access token for the user whose externalId is its subject, with the JWKS cached", async () => {
    const token = await issuer.token({ sub: 'auth0|alice', scope: 'openid profile self_read' });
    for (let i = 0; i < 3; i++) {
      const res = await me(token);
      expect(res.status).toBe(200);
      expect(res.body.data.me).toEqual({ id: aliceId, externalId: 'auth0|alice' });
    }
    expect(issuer.jwksFetches).toBe(1);
    // No scope of ours in the token: USER_TOKEN_DEFAULT_SCOPES (SELF_READ) applies; still no user listing.
    const plain = await issuer.token({ sub: 'auth0|alice', scope: 'openid' });
    expect((await me(plain)).body.data.me.id).toBe(aliceId);
    expect((await t.graphql('{ users { edges { node { id } } } }', undefined, plain)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps working after the issuer rotates its key; tokens of the retired key stop', async () => {
    const before = await issuer.token({ sub: 'auth0|alice' });
    expect((await me(before)).status).toBe(200);
    const fetches = issuer.jwksFetches;
    await issuer.rotate();
    const after = await issuer.token({ sub: 'auth0|alice' });
    const res = await me(after);
    expect(res.status).toBe(200);
    expect(res.body.data.me.id).toBe(aliceId);
    expect(issuer.jwksFetches).toBe(fetches + 1);
    const retired = await me(before);
    expect(retired.status).toBe(401);
    expect(retired.body.errors?.[0].message).toMatch(/not valid/);
  });

  it('refuses wrong audience, unknown signing key, HMAC "signed" with the public key, expiry and unknown subjects with 401', async () => {
    const stranger = await issuer.newKey();
    const jwk = (await (await fetch(`${issuer.url}/jwks.json`)).json()).keys[0];
    const hmac = await new SignJWT({ sub: 'auth0|alice' })
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid })
      .setIssuer(issuer.url)
      .setAudience('health-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    const cases: [string, RegExp][] = [
      [await issuer.token({ sub: 'auth0|alice' }, { audience: 'another-api' }), /not valid/],
      [await issuer.token({ sub: 'auth0|alice' }, { key: stranger }), /not valid/],
      [hmac, /not valid/],
      [await issuer.token({ sub: 'auth0|alice' }, { issuedAt: Math.floor(Date.now() / 1000) - 3600, expiresIn: 60 }), /expired/],
      [await issuer.token({ sub: 'auth0|nobody' }), /names no user/],
    ];
    for (const [token, message] of cases) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.errors?.[0].message).toMatch(message);
    }
  });

  it('scopes come from the scope claim; revokeUserTokens ends IdP tokens issued until then', async () => {
    const connectOnly = await issuer.token({ sub: 'auth0|alice', scope: 'self_connect' });
    expect((await me(connectOnly)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const before = await issuer.token({ sub: 'auth0|alice', scope: 'self_read' });
    expect((await me(before)).status).toBe(200);
    await t.graphql('mutation($u: ID!) { revokeUserTokens(userId: $u) }', { u: aliceId });
    const revoked = await me(before);
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors?.[0].message).toMatch(/revoked/);
    // A token the IdP issues after the revocation (iat in a later second) works.
    const fresh = await issuer.token({ sub: 'auth0|alice', scope: 'self_read' }, { issuedAt: Math.floor(Date.now() / 1000) + 1 });
    expect((await me(fresh)).status).toBe(200);
  });
});


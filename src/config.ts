/**
 * The one place that reads process.env. Everything else receives a parsed, validated Config.
 * A bad value fails start-up with a message naming the variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Provider } from './generated/prisma/enums.js';
import type { LogLevel } from './logger.js';
import { parameterHash, parseScoreParameters, ScoreParametersError, type ScoreParameters } from './scores/parameters.js';
import { DEVICE_PROVIDERS, PROVIDERS } from './providers/registry.js';
import type { ProviderDeclaration } from './providers/types.js';

export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * One provider's block, parsed from its declaration (src/providers/<slug>/settings.ts):
 * <PREFIX>_CLIENT_ID / _CLIENT_SECRET / _AUTHORIZATION_URL / _TOKEN_URL / _API_URL and its extras.
 */
export interface ProviderConfig {
  credentials: ProviderCredentials | null;
  authorizationUrl: string;
  tokenUrl: string;
  apiUrl: string;
  /** The declaration's extraSettings by key (<PREFIX>_<env>), null when unset. */
  extras: Record<string, string | null>;
  /** Values to keep out of logs: the client secret and the extras declared secret. */
  secrets: string[];
}

export type ProviderId = Provider;
export type PriorityDataType = 'sleep' | 'recovery' | 'activity' | 'workout';

export interface Config {
  port: number;
  host: string;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  logLevel: LogLevel;
  /** Base URL the outside world reaches this server at (OAuth callbacks, webhooks). */
  publicUrl: string;
  /** PostgreSQL URL, or null for the embedded PGlite database in dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  initialApiKey: string | null;
  /** Hex or base64 32-byte key; null means "use/generate the key file in dataDir" (embedded only). */
  encryptionKey: string | null;
  oauthRedirectAllowlist: string[];
  sync: {
    backfillDays: number;
    intervalSeconds: number;
    /** A job running longer is presumed dead (crashed worker) and handed to another worker. */
    jobTimeoutSeconds: number;
    pollingIntervalSeconds: number;
    /** Whether the API process also works sync jobs (RUN_WORKERS=false for API-only replicas). */
    workersInProcess: boolean;
  };
  /** Per provider slug (every provider of src/providers/registry.ts has one). */
  providers: Record<string, ProviderConfig>;
  /** Which provider's record a Day's primary... fields pick, per data type, first wins. */
  providerPriority: Record<PriorityDataType, ProviderId[]>;
  /**
   * Keys (hex or base64, 32 bytes) accepted for decryption only, besides encryptionKey:
   * ENCRYPTION_KEY_PREVIOUS, comma-separated. Used while rotating keys (README, "Rotating the encryption key").
   */
  encryptionKeysPrevious: string[];
  /** GraphQL abuse limits (src/http/use-*.ts). */
  graphql: GraphQLLimitsConfig;
  /** Built-in provider simulators (src/sandbox/) for providers without credentials. */
  sandbox: SandboxConfig;
  /** The open scores' parameters (src/scores/parameters.ts, docs/scores/) and their hash. */
  scores: ScoresConfig;
  /** Tokens that act for one user (src/auth/user-tokens.ts, src/auth/idp.ts). */
  userTokens: UserTokenConfig;
  /** The MCP server (src/mcp/): /mcp on this server, and `npm run mcp` (stdio). */
  mcp: McpConfig;
  /** How the CLI's remote commands and `npm run mcp` reach this API. */
  client: ClientConfig;
  /** Deprecated settings in use, one message each: reportDeprecations() logs each once per process. */
  deprecations: string[];
}

export interface ClientConfig {
  /**
   * SERVER_URL: this API's own base URL as the CLI and `npm run mcp` reach it (default
   * http://localhost:$PORT; the CLI first looks for a running embedded server's URL in DATA_DIR).
   * GATEWAY_URL is its deprecated former name (`npm run gateway` is another process).
   */
  serverUrl: string;
  /** Whether SERVER_URL (or GATEWAY_URL) was set, rather than defaulted. */
  serverUrlSet: boolean;
  /** API_KEY: the CLI's remote commands' credential (--key overrides). */
  apiKey: string | null;
}

export const USER_TOKEN_SCOPE_NAMES = ['SELF_READ', 'SELF_CONNECT', 'SELF_INGEST'] as const;
export type UserTokenScopeName = (typeof USER_TOKEN_SCOPE_NAMES)[number];

export interface UserTokenConfig {
  /** USER_TOKEN_SIGNING_KEY (32 bytes, hex or base64); null: derived from the encryption key. */
  signingKey: string | null;
  /** USER_TOKEN_SIGNING_KEY_PREVIOUS: keys that still verify tokens during a rotation. */
  signingKeysPrevious: string[];
  /** USER_TOKEN_MAX_TTL_SECONDS (default and ceiling 30 days): the longest createUserToken grants. */
  maxTtlSeconds: number;
  /** USER_TOKEN_RATE_LIMIT_PER_MINUTE: requests per minute per user (all its tokens together); 0 = unlimited. */
  rateLimitPerMinute: number;
  /** The operator's identity provider, whose access tokens also act for one user; null: none. */
  idp: IdpConfig | null;
}

export interface IdpConfig {
  /** USER_TOKEN_ISSUER: the `iss` its tokens carry. */
  issuer: string;
  /** USER_TOKEN_JWKS_URL: its signing keys (fetched when a token names an unknown key id, cached). */
  jwksUrl: string;
  /** USER_TOKEN_AUDIENCE: the `aud` its tokens must carry (null: not checked). */
  audience: string | null;
  /** USER_TOKEN_USER_CLAIM (default sub): the claim holding the user's externalId. */
  userClaim: string;
  /** USER_TOKEN_SCOPES_CLAIM (default scope): space-separated string or array of scopes. */
  scopesClaim: string;
  /** USER_TOKEN_DEFAULT_SCOPES (default SELF_READ): scopes of a token whose scope claim names none of ours. */
  defaultScopes: UserTokenScopeName[];
  /** USER_TOKEN_JWKS_COOLDOWN_SECONDS (default 30): least time between two JWKS fetches. */
  jwksCooldownSeconds: number;
}

export interface McpConfig {
  /**
   * MCP_ALLOWED_HOSTS: hostnames /mcp answers for (Host and Origin headers; DNS-rebinding
   * protection). Default: PUBLIC_URL's hostname, localhost, 127.0.0.1 and [::1].
   */
  allowedHosts: string[];
  /** MCP_MAX_REQUEST_BYTES: largest JSON-RPC request body /mcp reads (default 64 KiB). */
  maxRequestBytes: number;
  /** `npm run mcp`'s credential: MCP_TOKEN (an API key or user token), else API_KEY. */
  token: string | null;
}

export interface ScoresConfig {
  /** Defaults overridden by SCORES_CONFIG_FILE (a JSON file), then SCORES_CONFIG (inline JSON). */
  parameters: ScoreParameters;
  /** Changes with any parameter or algorithm version; a new hash recomputes every stored score. */
  parameterHash: string;
  /**
   * SCORES_RECOMPUTE_DELAY_SECONDS (default 30): a user's recompute starts this long after the
   * first sync that changed their records, so a backfill's many windows cost one recompute, not one each.
   */
  recomputeDelaySeconds: number;
}

export interface SandboxConfig {
  /**
   * SANDBOX: serve the simulators under /sandbox/<provider>/ and offer them for providers without
   * credentials. Default: on, except with NODE_ENV=production (a production deployment serves no
   * simulator unless SANDBOX=true says so).
   */
  enabled: boolean;
  /** Why `enabled` has its value: the operator's SANDBOX, or the default for NODE_ENV. */
  reason: 'SANDBOX=true' | 'SANDBOX=false' | 'default' | 'NODE_ENV=production';
  /** SANDBOX_SEED: seed of the simulated data (same seed + same user = same data). */
  seed: number;
}

export interface GraphQLLimitsConfig {
  /** Deepest selection nesting an operation may have (introspection excluded). */
  maxDepth: number;
  /** Aliases per operation. */
  maxAliases: number;
  /** Lexical tokens per document (checked while parsing, so a huge document costs little). */
  maxTokens: number;
  /** Static cost (graphql-armor cost-limit: fields weighted by depth and literal first/last). */
  maxCost: number;
  /** An operation still executing after this long is answered with a TIMEOUT error; 0 = never. */
  requestTimeoutSeconds: number;
  /** false: introspection queries are refused, GraphiQL is off and "Did you mean" hints are removed. */
  introspection: boolean;
  /** '*' (any origin, no credentials), a list of allowed origins, or null (no CORS headers at all). */
  corsOrigins: '*' | string[] | null;
  /** Requests per minute per API key (token bucket, per process); 0 = unlimited. */
  rateLimitPerMinute: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function url(env: Env, name: string, fallback: string): string {
  const raw = str(env, name) ?? fallback;
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new ConfigError(`${name} must be an absolute URL (got "${raw}")`);
  }
}

function credentials(env: Env, prefix: string): ProviderCredentials | null {
  const clientId = str(env, `${prefix}_CLIENT_ID`);
  const clientSecret = str(env, `${prefix}_CLIENT_SECRET`);
  if (!clientId && !clientSecret) return null;
  if (!clientId || !clientSecret) {
    throw new ConfigError(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET must be set together`);
  }
  return { clientId, clientSecret };
}

function providerConfig(env: Env, declaration: ProviderDeclaration): ProviderConfig {
  const prefix = declaration.envPrefix;
  const extras: Record<string, string | null> = {};
  const secrets: string[] = [];
  for (const [key, { env: suffix, secret }] of Object.entries(declaration.extraSettings ?? {})) {
    extras[key] = str(env, `${prefix}_${suffix}`);
    if (secret && extras[key]) secrets.push(extras[key]);
  }
  const creds = credentials(env, prefix);
  if (creds) secrets.push(creds.clientSecret);
  return {
    credentials: creds,
    authorizationUrl: url(env, `${prefix}_AUTHORIZATION_URL`, declaration.endpoints.authorizationUrl),
    tokenUrl: url(env, `${prefix}_TOKEN_URL`, declaration.endpoints.tokenUrl),
    apiUrl: url(env, `${prefix}_API_URL`, declaration.endpoints.apiUrl),
    extras,
    secrets,
  };
}

/** What the priority lists need of a provider, cloud or device. */
type Ranked = Pick<ProviderDeclaration, 'id' | 'slug' | 'priority'>;

/** The declared default order for one data type: by rank, ties in registry order. */
function defaultPriority(declarations: readonly Ranked[], type: PriorityDataType): ProviderId[] {
  return declarations
    .map((d, index) => ({ id: d.id, rank: d.priority[type], index }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((d) => d.id);
}

/**
 * A PROVIDER_PRIORITY_* list: providers by slug or id, cloud or device (`oura,apple-health` or
 * `OURA,APPLE_HEALTH`), the ones left out after them in the default order.
 */
function priority(env: Env, name: string, declarations: readonly Ranked[], type: PriorityDataType): ProviderId[] {
  const fallback = defaultPriority(declarations, type);
  const raw = str(env, name);
  if (!raw) return fallback;
  const list = raw.split(',').map((s) => s.trim().toUpperCase().replace(/-/g, '_')).filter(Boolean);
  const unknown = list.filter((p) => !fallback.includes(p as ProviderId));
  if (unknown.length) {
    throw new ConfigError(`${name} names unknown providers: ${unknown.join(', ')} (known: ${declarations.map((d) => d.slug).join(', ')})`);
  }
  // Providers left out rank after the listed ones, in the default order.
  return [...new Set([...(list as ProviderId[]), ...fallback])];
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name)?.toLowerCase();
  if (raw === undefined || raw === null) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function corsOrigins(env: Env): '*' | string[] | null {
  const raw = str(env, 'CORS_ORIGINS');
  if (raw === null || raw === '*') return '*';
  if (raw.toLowerCase() === 'none') return null;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      try {
        const parsed = new URL(origin);
        if (parsed.origin === 'null') throw new Error('opaque');
        return parsed.origin;
      } catch {
        throw new ConfigError(`CORS_ORIGINS must be *, none or comma-separated origins like https://app.example.com (got "${origin}")`);
      }
    });
}

function userTokenScopes(env: Env, name: string, fallback: UserTokenScopeName[]): UserTokenScopeName[] {
  const raw = str(env, name);
  if (!raw) return fallback;
  const list = raw.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase());
  const unknown = list.filter((s) => !USER_TOKEN_SCOPE_NAMES.includes(s as UserTokenScopeName));
  if (unknown.length) throw new ConfigError(`${name} names unknown scopes: ${unknown.join(', ')} (known: ${USER_TOKEN_SCOPE_NAMES.join(', ')})`);
  return [...new Set(list as UserTokenScopeName[])];
}

function idp(env: Env): IdpConfig | null {
  const issuer = str(env, 'USER_TOKEN_ISSUER');
  const jwks = str(env, 'USER_TOKEN_JWKS_URL');
  if (!issuer && !jwks) return null;
  if (!issuer || !jwks) throw new ConfigError('USER_TOKEN_ISSUER and USER_TOKEN_JWKS_URL must be set together');
  return {
    issuer,
    jwksUrl: url(env, 'USER_TOKEN_JWKS_URL', jwks),
    audience: str(env, 'USER_TOKEN_AUDIENCE'),
    userClaim: str(env, 'USER_TOKEN_USER_CLAIM') ?? 'sub',
    scopesClaim: str(env, 'USER_TOKEN_SCOPES_CLAIM') ?? 'scope',
    defaultScopes: userTokenScopes(env, 'USER_TOKEN_DEFAULT_SCOPES', ['SELF_READ']),
    jwksCooldownSeconds: int(env, 'USER_TOKEN_JWKS_COOLDOWN_SECONDS', 30, 0, 3600),
  };
}

function logLevel(env: Env): LogLevel {
  const value = str(env, 'LOG_LEVEL') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(value)) throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error (got "${value}")`);
  return value as LogLevel;
}

/** `providers`: the declarations to parse blocks for (the registry's, unless a test says otherwise). */
function jsonOverride(name: string, text: string, source: string): { source: string; value: unknown } {
  try {
    return { source, value: JSON.parse(text) };
  } catch (error) {
    throw new ConfigError(`${name} is not valid JSON (${(error as Error).message})`);
  }
}

function scores(env: Env): ScoresConfig {
  const overrides: { source: string; value: unknown }[] = [];
  const file = str(env, 'SCORES_CONFIG_FILE');
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`SCORES_CONFIG_FILE cannot be read: ${(error as Error).message}`);
    }
    overrides.push(jsonOverride('SCORES_CONFIG_FILE', text, `SCORES_CONFIG_FILE (${file})`));
  }
  const inline = str(env, 'SCORES_CONFIG');
  if (inline) overrides.push(jsonOverride('SCORES_CONFIG', inline, 'SCORES_CONFIG'));
  try {
    const parameters = parseScoreParameters(...overrides);
    return { parameters, parameterHash: parameterHash(parameters), recomputeDelaySeconds: int(env, 'SCORES_RECOMPUTE_DELAY_SECONDS', 30, 0, 3600) };
  } catch (error) {
    if (error instanceof ScoreParametersError) throw new ConfigError(error.message);
    throw error;
  }
}

export function loadConfig(env: Env = process.env, providers: readonly ProviderDeclaration[] = PROVIDERS, devices: readonly Ranked[] = DEVICE_PROVIDERS): Config {
  const ranked = [...providers, ...devices];
  const port = int(env, 'PORT', 4000, 0, 65535);
  const host = str(env, 'HOST') ?? '0.0.0.0';
  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded database)');
  }
  const production = str(env, 'NODE_ENV') === 'production';
  const sandboxAsked = str(env, 'SANDBOX') === null ? null : bool(env, 'SANDBOX', false);
  return {
    port,
    host,
    logLevel: logLevel(env),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`),
    databaseUrl,
    dataDir: path.resolve(str(env, 'DATA_DIR') ?? './data'),
    initialApiKey: str(env, 'INITIAL_API_KEY'),
    encryptionKey: str(env, 'ENCRYPTION_KEY'),
    oauthRedirectAllowlist: (str(env, 'OAUTH_REDIRECT_ALLOWLIST') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    sync: {
      backfillDays: int(env, 'SYNC_BACKFILL_DAYS', 90, 1, 730),
      intervalSeconds: int(env, 'SYNC_INTERVAL_SECONDS', 3600, 0, 7 * 24 * 3600),
      jobTimeoutSeconds: int(env, 'SYNC_JOB_TIMEOUT_SECONDS', 900, 1, 24 * 3600),
      pollingIntervalSeconds: int(env, 'SYNC_POLLING_INTERVAL_SECONDS', 2, 1, 600),
      workersInProcess: (str(env, 'RUN_WORKERS') ?? 'true') !== 'false',
    },
    providers: Object.fromEntries(providers.map((d) => [d.slug, providerConfig(env, d)])),
    providerPriority: {
      sleep: priority(env, 'PROVIDER_PRIORITY_SLEEP', ranked, 'sleep'),
      recovery: priority(env, 'PROVIDER_PRIORITY_RECOVERY', ranked, 'recovery'),
      activity: priority(env, 'PROVIDER_PRIORITY_ACTIVITY', ranked, 'activity'),
      workout: priority(env, 'PROVIDER_PRIORITY_WORKOUT', ranked, 'workout'),
    },
    encryptionKeysPrevious: (str(env, 'ENCRYPTION_KEY_PREVIOUS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    graphql: {
      maxDepth: int(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
      maxAliases: int(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
      maxTokens: int(env, 'GRAPHQL_MAX_TOKENS', 3000, 10, 1_000_000),
      maxCost: int(env, 'GRAPHQL_MAX_COST', 50_000, 1, 100_000_000),
      requestTimeoutSeconds: int(env, 'GRAPHQL_REQUEST_TIMEOUT_SECONDS', 30, 0, 3600),
      introspection: bool(env, 'GRAPHQL_INTROSPECTION', true),
      corsOrigins: corsOrigins(env),
      rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 600, 0, 1_000_000),
    },
    sandbox: {
      enabled: sandboxAsked ?? !production,
      reason: sandboxAsked === null ? (production ? 'NODE_ENV=production' : 'default') : sandboxAsked ? 'SANDBOX=true' : 'SANDBOX=false',
      seed: int(env, 'SANDBOX_SEED', 42, 0, 2 ** 31 - 1),
    },
    userTokens: {
      signingKey: str(env, 'USER_TOKEN_SIGNING_KEY'),
      signingKeysPrevious: (str(env, 'USER_TOKEN_SIGNING_KEY_PREVIOUS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      maxTtlSeconds: int(env, 'USER_TOKEN_MAX_TTL_SECONDS', 30 * 24 * 3600, 60, 30 * 24 * 3600),
      rateLimitPerMinute: int(env, 'USER_TOKEN_RATE_LIMIT_PER_MINUTE', 120, 0, 1_000_000),
      idp: idp(env),
    },
    scores: scores(env),
    mcp: mcpConfig(env, port, url(env, 'PUBLIC_URL', `http://localhost:${port}`)),
    client: clientConfig(env, port),
    deprecations: str(env, 'GATEWAY_URL') === null ? [] : [GATEWAY_URL_DEPRECATED],
  };
}

const GATEWAY_URL_DEPRECATED = 'GATEWAY_URL is deprecated: call it SERVER_URL (this API\'s own URL for the CLI and `npm run mcp`; `npm run gateway` is another process). GATEWAY_URL still works when SERVER_URL is unset.';

function clientConfig(env: Env, port: number): ClientConfig {
  const name = str(env, 'SERVER_URL') !== null ? 'SERVER_URL' : str(env, 'GATEWAY_URL') !== null ? 'GATEWAY_URL' : null;
  return {
    serverUrl: url(env, name ?? 'SERVER_URL', `http://localhost:${port}`),
    serverUrlSet: name !== null,
    apiKey: str(env, 'API_KEY'),
  };
}

const reported = new Set<string>();

/** Writes each of the configuration's deprecation messages once per process. */
export function reportDeprecations(config: Config, warn: (message: string) => void): void {
  for (const message of config.deprecations) {
    if (reported.has(message)) continue;
    reported.add(message);
    warn(message);
  }
}

function mcpConfig(env: Env, port: number, publicUrl: string): McpConfig {
  const listed = (str(env, 'MCP_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return {
    allowedHosts: listed.length ? listed : [...new Set([new URL(publicUrl).hostname, 'localhost', '127.0.0.1', '[::1]'])],
    maxRequestBytes: int(env, 'MCP_MAX_REQUEST_BYTES', 65_536, 1024, 4 * 1024 * 1024),
    token: str(env, 'MCP_TOKEN') ?? str(env, 'API_KEY'),
  };
}

/**
 * The gateway's configuration: which subgraphs to compose, and where it listens.
 *
 * A small JSON file (GATEWAY_CONFIG, default ./gateway.config.json when present) lists the subgraphs.
 * Every string may use ${VAR} or ${VAR:-default} (environment variables). Without a file, the only
 * subgraph is this server at HEALTH_SUBGRAPH_URL (default http://localhost:4000/graphql), composed
 * from the committed subgraph.graphql.
 *
 *   {
 *     "port": 4100,
 *     "subgraphs": [
 *       { "name": "health", "url": "${HEALTH_SUBGRAPH_URL:-http://localhost:4000/graphql}", "schemaFile": "subgraph.graphql" },
 *       { "name": "accounts", "url": "http://accounts:4001/graphql" }
 *     ]
 *   }
 *
 * A subgraph without "schemaFile" is asked for its SDL (`{ _service { sdl } }`) at start-up, with
 * its optional "headers".
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SubgraphConfig {
  /** Name in the supergraph (letters, digits, underscores). */
  name: string;
  /** Where the gateway sends this subgraph's operations. */
  url: string;
  /** A file holding the subgraph SDL; otherwise fetched from `url` with `_service { sdl }`. */
  schemaFile?: string;
  /** Headers for fetching the SDL (e.g. an API key); operations get the client's Authorization instead. */
  headers?: Record<string, string>;
}

export interface GatewayConfig {
  port: number;
  host: string;
  subgraphs: SubgraphConfig[];
  /** Where the configuration came from (for the banner). */
  source: string;
}

export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

/** This server's own subgraph SDL, committed next to schema.graphql. */
/**
 * This server's committed subgraph SDL: beside src/ when run from the sources; from the compiled
 * build (node_modules/.cache/..., scripts/start.mjs gateway) the project root is the working
 * directory (npm scripts and the Docker image run there).
 */
export const HEALTH_SUBGRAPH_FILE = [fileURLToPath(new URL('../../subgraph.graphql', import.meta.url)), path.resolve('subgraph.graphql')].find((f) => fs.existsSync(f)) ?? path.resolve('subgraph.graphql');
export const DEFAULT_CONFIG_FILE = 'gateway.config.json';

type Env = Record<string, string | undefined>;

function expand(value: string, env: Env, where: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback?: string) => {
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    throw new GatewayConfigError(`${where}: environment variable ${name} is not set (write \${${name}:-default} for a default)`);
  });
}

function parsePort(value: unknown, where: string): number {
  const port = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new GatewayConfigError(`${where}: port must be an integer 0-65535 (got ${JSON.stringify(value)})`);
  return port;
}

export function parseGatewayConfig(raw: unknown, options: { env?: Env; baseDir?: string; source?: string } = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const source = options.source ?? 'inline';
  const baseDir = options.baseDir ?? process.cwd();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new GatewayConfigError(`${source}: expected a JSON object with "subgraphs"`);
  const object = raw as Record<string, unknown>;
  const list = object.subgraphs;
  if (!Array.isArray(list) || list.length === 0) throw new GatewayConfigError(`${source}: "subgraphs" must be a non-empty list`);
  const names = new Set<string>();
  const subgraphs = list.map((entry, index): SubgraphConfig => {
    const where = `${source}: subgraphs[${index}]`;
    if (!entry || typeof entry !== 'object') throw new GatewayConfigError(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new GatewayConfigError(`${where}: "name" must be letters, digits and underscores`);
    if (names.has(e.name)) throw new GatewayConfigError(`${where}: subgraph "${e.name}" is listed twice`);
    names.add(e.name);
    if (typeof e.url !== 'string') throw new GatewayConfigError(`${where}: "url" is required`);
    const url = expand(e.url, env, where);
    try {
      new URL(url);
    } catch {
      throw new GatewayConfigError(`${where}: "url" is not a URL: ${url}`);
    }
    const subgraph: SubgraphConfig = { name: e.name, url };
    if (e.schemaFile !== undefined) {
      if (typeof e.schemaFile !== 'string') throw new GatewayConfigError(`${where}: "schemaFile" must be a path`);
      subgraph.schemaFile = path.resolve(baseDir, expand(e.schemaFile, env, where));
    }
    if (e.headers !== undefined) {
      if (!e.headers || typeof e.headers !== 'object') throw new GatewayConfigError(`${where}: "headers" must be an object`);
      subgraph.headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k, expand(String(v), env, where)]));
    }
    return subgraph;
  });
  const port = env.GATEWAY_PORT ? parsePort(env.GATEWAY_PORT, 'GATEWAY_PORT') : object.port !== undefined ? parsePort(object.port, `${source}: port`) : 4100;
  const host = env.GATEWAY_HOST || (typeof object.host === 'string' ? object.host : '0.0.0.0');
  return { port, host, subgraphs, source };
}

/** Reads GATEWAY_CONFIG (or ./gateway.config.json), or falls back to this server alone. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const file = env.GATEWAY_CONFIG || (fs.existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : null);
  if (!file) {
    return parseGatewayConfig(
      { subgraphs: [{ name: 'health', url: '${HEALTH_SUBGRAPH_URL:-http://localhost:4000/graphql}', schemaFile: HEALTH_SUBGRAPH_FILE }] },
      { env, source: 'built-in default (this server only)' },
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GatewayConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseGatewayConfig(raw, { env, baseDir: path.dirname(path.resolve(file)), source: file });
}

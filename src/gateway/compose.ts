/**
 * Composes the supergraph from the configured subgraphs with @theguild/federation-composition
 * (MIT; same rules and messages as Apollo's composition).
 */
import fs from 'node:fs';
import { parse } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import type { SubgraphConfig } from './config.js';

export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

/** Composition failed: `message` lists every composition error, one per line. */
export class CompositionError extends Error {
  override name = 'CompositionError';
  constructor(readonly errors: { message: string; code?: string }[]) {
    super(`supergraph composition failed:\n${errors.map((e) => `  - ${e.code ? `[${e.code}] ` : ''}${e.message}`).join('\n')}`);
  }
}

/** Could not read or fetch a subgraph's SDL. */
export class SubgraphSdlError extends Error {
  override name = 'SubgraphSdlError';
}

/** Reads a subgraph's SDL from its schemaFile, or asks the running subgraph for `_service { sdl }`. */
export async function loadSubgraphSdl(subgraph: SubgraphConfig, fetchImpl: typeof fetch = fetch): Promise<SubgraphSdl> {
  if (subgraph.schemaFile) {
    try {
      return { name: subgraph.name, url: subgraph.url, sdl: fs.readFileSync(subgraph.schemaFile, 'utf8') };
    } catch (error) {
      throw new SubgraphSdlError(`subgraph "${subgraph.name}": cannot read ${subgraph.schemaFile}: ${(error as Error).message}`);
    }
  }
  let response: Response;
  try {
    response = await fetchImpl(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...subgraph.headers },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new SubgraphSdlError(`subgraph "${subgraph.name}": cannot reach ${subgraph.url} for its SDL: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: string } }; errors?: { message: string }[] } | null;
  const sdl = body?.data?._service?.sdl;
  if (!response.ok || typeof sdl !== 'string') {
    const reason = body?.errors?.map((e) => e.message).join('; ') || `HTTP ${response.status}`;
    throw new SubgraphSdlError(`subgraph "${subgraph.name}": ${subgraph.url} did not answer _service { sdl } (${reason})`);
  }
  return { name: subgraph.name, url: subgraph.url, sdl };
}

/** The supergraph SDL, or a CompositionError naming every problem. */
export function composeSupergraph(subgraphs: SubgraphSdl[]): string {
  const parsed = subgraphs.map((s) => {
    try {
      return { name: s.name, url: s.url, typeDefs: parse(s.sdl) };
    } catch (error) {
      throw new CompositionError([{ message: `subgraph "${s.name}": its SDL does not parse: ${(error as Error).message}`, code: 'INVALID_GRAPHQL' }]);
    }
  });
  const result = composeServices(parsed);
  if (compositionHasErrors(result)) {
    throw new CompositionError(result.errors.map((e) => ({ message: e.message, code: typeof e.extensions?.code === 'string' ? e.extensions.code : undefined })));
  }
  return result.supergraphSdl;
}

export async function loadAndCompose(subgraphs: SubgraphConfig[], fetchImpl?: typeof fetch): Promise<string> {
  return composeSupergraph(await Promise.all(subgraphs.map((s) => loadSubgraphSdl(s, fetchImpl))));
}

/**
 * The push contract's endpoints (src/ingest/contract.ts; docs/ingest/README.md):
 *
 *   POST /ingest/v1/{apple-health|health-connect|samsung-health}
 *   POST /ingest/v1/users/{userId}/{platform}        the same, refusing a token of another user
 *   POST /ingest/v1/apple-health/export              an Apple Health export.zip, imported in the background
 *
 * Only a user token with SELF_INGEST: the records belong to the token's user (an API key acts for
 * no user and is refused). Per-user rate limit (the same buckets as GraphQL and MCP), a body limit
 * (compressed and after gzip), 422 naming what is wrong with the batch, 200 with a per-record report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Plugin } from 'graphql-yoga';
import { can, type Principal, type PrincipalResolver, type UserPrincipal } from '../../auth/principal.js';
import type { Config } from '../../config.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { rawIdOf } from '../../graphql/global-id.js';
import type { Logger } from '../../logger.js';
import { deviceProviderBySlug } from '../../providers/registry.js';
import { MAX_BATCH_RECORDS } from '../../ingest/contract.js';
import { BatchRejected, ingestBatch } from '../../ingest/service.js';
import { startExportImport } from '../../ingest/apple-export.js';
import { readLimited } from '../body-limit.js';
import { bearerToken } from '../use-principal-auth.js';
import type { PrincipalRateLimits } from '../use-rate-limit.js';

/** Largest request body of a batch as sent (gzip or not). */
export const MAX_INGEST_BODY_BYTES = 8 * 1024 * 1024;
/** Largest batch after gzip decompression. */
export const MAX_INGEST_JSON_BYTES = 32 * 1024 * 1024;
/** Largest export.zip the upload endpoint takes. */
export const MAX_EXPORT_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024;

export const INGEST_PREFIX = '/ingest/';
const BATCH_PATH = /^\/ingest\/v1\/(?:users\/([^/]+)\/)?([a-z-]+)$/;
const EXPORT_PATH = /^\/ingest\/v1\/(?:users\/([^/]+)\/)?apple-health\/export$/;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export interface IngestRouteDeps {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  principals: PrincipalResolver;
  rateLimits: PrincipalRateLimits;
  /** A user's records changed (derived data follows: the scores recompute). */
  onRecordsChanged?: (userId: string) => Promise<void>;
}

const gunzipAsync = promisify(gunzip);

/** A user as the API names it (global ID) or its raw id. */
const userIdOf = (value: string): string => rawIdOf(value, 'User');

/** Who may push: a SELF_INGEST user token, for its own user; else the refusal. */
async function authorize(deps: IngestRouteDeps, request: Request, pathUser: string | undefined): Promise<UserPrincipal | Response> {
  const resolution = await deps.principals.resolve(bearerToken(request));
  if (!('principal' in resolution)) {
    return json(401, { error: 'unauthenticated', message: 'Send a user token with scope SELF_INGEST as "Authorization: Bearer <token>".' }, { 'WWW-Authenticate': 'Bearer' });
  }
  const principal: Principal = resolution.principal;
  if (principal.kind !== 'user') {
    return json(403, { error: 'forbidden', message: 'The push contract takes a user token with scope SELF_INGEST (createUserToken); an API key acts for no user.' });
  }
  if (!can(principal, 'ingest')) return json(403, { error: 'forbidden', message: 'This user token lacks scope SELF_INGEST.' });
  // Another user's id answers like a missing one: nothing about other users is revealed.
  if (pathUser !== undefined && userIdOf(decodeURIComponent(pathUser)) !== principal.userId) return json(404, { error: 'not_found', message: 'No such user.' });
  const wait = deps.rateLimits.take(principal);
  if (wait > 0) return json(429, { error: 'rate_limited', message: `Rate limit exceeded for this user: retry after ${wait} s.` }, { 'Retry-After': String(wait) });
  return principal;
}

export function useIngestRoutes(deps: IngestRouteDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith(INGEST_PREFIX)) return;
      const exportMatch = EXPORT_PATH.exec(url.pathname);
      const match = exportMatch ? null : BATCH_PATH.exec(url.pathname);
      if (!exportMatch && !match) return endResponse(json(404, { error: 'not_found', message: 'POST /ingest/v1/{apple-health|health-connect|samsung-health}' }));
      if (request.method !== 'POST') return endResponse(json(405, { error: 'method_not_allowed', message: 'POST only' }, { allow: 'POST' }));
      const provider = exportMatch ? deviceProviderBySlug('apple-health')! : deviceProviderBySlug(match![2]);
      if (!provider) return endResponse(json(404, { error: 'not_found', message: `no push contract for "${match![2]}" (apple-health, health-connect, samsung-health)` }));
      const principal = await authorize(deps, request, (exportMatch ?? match)![1]);
      if (principal instanceof Response) return endResponse(principal);

      if (exportMatch) return endResponse(await acceptExport(deps, request, principal.userId));

      const raw = await readLimited(request, MAX_INGEST_BODY_BYTES);
      if (!raw) return endResponse(json(413, { error: 'payload_too_large', message: `A batch may have at most ${MAX_INGEST_BODY_BYTES} bytes as sent and ${MAX_BATCH_RECORDS} records.`, limit: MAX_INGEST_BODY_BYTES }));
      let text: string;
      try {
        const encoding = (request.headers.get('content-encoding') ?? 'identity').toLowerCase();
        if (encoding === 'gzip') text = (await gunzipAsync(raw, { maxOutputLength: MAX_INGEST_JSON_BYTES })).toString('utf8');
        else if (encoding === 'identity') text = raw.toString('utf8');
        else return endResponse(json(415, { error: 'unsupported_encoding', message: `Content-Encoding "${encoding}": send identity or gzip.` }));
      } catch (error) {
        const tooBig = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        return endResponse(
          tooBig
            ? json(413, { error: 'payload_too_large', message: `A batch may have at most ${MAX_INGEST_JSON_BYTES} bytes after gzip decompression.`, limit: MAX_INGEST_JSON_BYTES })
            : json(400, { error: 'bad_gzip', message: 'The body is not valid gzip.' }),
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return endResponse(json(400, { error: 'bad_json', message: 'The body is not valid JSON.' }));
      }
      try {
        const report = await ingestBatch(deps.prisma, principal.userId, provider, body, { workoutPriority: deps.config.providerPriority.workout });
        deps.logger.info('ingest batch stored', { provider: provider.id, accepted: report.accepted, refused: report.refused.length, deleted: report.deleted.found });
        if (report.created + report.updated + report.deleted.found > 0) await deps.onRecordsChanged?.(principal.userId);
        return endResponse(json(200, report));
      } catch (error) {
        if (error instanceof BatchRejected) {
          const limit = error.issues.some((i) => /^(records|deleted):.*(<=|at most|Too big)/i.test(i)) ? { limit: MAX_BATCH_RECORDS } : {};
          return endResponse(json(422, { error: 'invalid_batch', message: `The batch was refused, nothing was written: ${error.issues.join('; ')}`, issues: error.issues, ...limit }));
        }
        deps.logger.error('ingest batch failed', { provider: provider.id, error });
        return endResponse(json(503, { error: 'unavailable', message: 'The batch could not be stored; nothing is lost by sending it again.' }, { 'Retry-After': '1' }));
      }
    },
  };
}

/** Streams the upload to a file under DATA_DIR (never held in memory), then starts the import; 202 with the run to follow. */
async function acceptExport(deps: IngestRouteDeps, request: Request, userId: string): Promise<Response> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_EXPORT_UPLOAD_BYTES) return json(413, { error: 'payload_too_large', message: `An export may have at most ${MAX_EXPORT_UPLOAD_BYTES} bytes.`, limit: MAX_EXPORT_UPLOAD_BYTES });
  if (!request.body) return json(400, { error: 'empty', message: 'Send the export.zip as the request body (Content-Type: application/zip).' });
  const dir = path.join(deps.config.dataDir, 'imports');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `apple-health-${userId}-${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  let size = 0;
  const out = fs.createWriteStream(file, { mode: 0o600 });
  try {
    // The request body's reader (any WHATWG stream implementation), written with back-pressure.
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_EXPORT_UPLOAD_BYTES) {
        reader.cancel().catch(() => undefined);
        throw new Error('too large');
      }
      if (!out.write(value)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch {
    out.destroy();
    fs.rmSync(file, { force: true });
    return json(size > MAX_EXPORT_UPLOAD_BYTES ? 413 : 400, { error: 'upload_failed', message: size > MAX_EXPORT_UPLOAD_BYTES ? `An export may have at most ${MAX_EXPORT_UPLOAD_BYTES} bytes.` : 'The upload did not complete.' });
  }
  const started = await startExportImport(deps.prisma, { userId, file, removeWhenDone: true, workoutPriority: deps.config.providerPriority.workout, logger: deps.logger, onRecordsChanged: deps.onRecordsChanged });
  return json(202, { connectionId: started.connectionId, runId: started.runId, message: 'Importing; follow syncProgress(connectionId) or the SyncRun.' });
}

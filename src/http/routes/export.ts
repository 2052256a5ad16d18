/**
 * Streamed export of normalized records (src/services/export.ts):
 *
 *   GET /export/v1/{type}.{ndjson|csv}?from=YYYY-MM-DD&to=YYYY-MM-DD[&user=ID]
 *
 * type: workouts, sleep_sessions, recoveries, daily_activities, vo2max_estimates, measurements,
 * heart_rate, or `all` (NDJSON only: every type, each line with its "type").
 *
 * Who may export what is decided by the same principal resolver and boundary as GraphQL and MCP:
 * an API key with READ exports every user, or the one named by `user`; a user token with SELF_READ
 * exports its own user only (`user` may be left out), and another user's id is answered exactly
 * like an unknown one (404). Per-principal rate limit as GraphQL. Arguments are checked before
 * anything is read: 400 naming the argument and the limit.
 *
 * The body is a Node stream pulled by the socket: a batch is read from the database only when the
 * client has taken the previous one (back-pressure), and a client that goes away ends the export.
 */
import { Readable } from 'node:stream';
import type { Plugin } from 'graphql-yoga';
import type { BoundaryFactory } from '../../auth/boundary.js';
import { can, scopeFor, type PrincipalResolver } from '../../auth/principal.js';
import { readQueryFor, type ReadQuery } from '../../db/database.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { rawIdOf } from '../../graphql/global-id.js';
import type { Logger } from '../../logger.js';
import { parseLocalDate } from '../../normalize/time.js';
import { EXPORT_FORMATS, EXPORT_TYPES, MAX_EXPORT_DAYS, exportChunks, type ExportFormat, type ExportType } from '../../services/export.js';
import { bearerToken } from '../use-principal-auth.js';
import type { PrincipalRateLimits } from '../use-rate-limit.js';

export const EXPORT_PREFIX = '/export/';
const PATH = /^\/export\/v1\/([^/]*)$/;
const PARAMETERS = new Set(['from', 'to', 'user']);

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers } });
const badArgument = (argument: string, message: string) => json(400, { error: 'bad_argument', argument, message });
const NOT_FOUND_USER = { error: 'not_found', message: 'No such user.' };

export interface ExportRouteDeps {
  prisma: PrismaClient;
  logger: Logger;
  principals: PrincipalResolver;
  boundaries: BoundaryFactory;
  rateLimits: PrincipalRateLimits;
}

/** A user as the API names it (global ID) or its raw id. */
const userIdOf = (value: string): string => rawIdOf(value, 'User');

const USAGE = `GET /export/v1/{${EXPORT_TYPES.join('|')}|all}.{ndjson|csv}?from=YYYY-MM-DD&to=YYYY-MM-DD[&user=ID]`;

interface Parsed {
  types: ExportType[];
  typeName: string;
  format: ExportFormat;
  from: string;
  to: string;
  user: string | null;
}

/** The request's arguments, or the 400 naming the first wrong one. */
function parse(url: URL, file: string): Parsed | Response {
  const dot = file.lastIndexOf('.');
  const typeName = dot < 0 ? file : file.slice(0, dot);
  const format = dot < 0 ? '' : file.slice(dot + 1);
  if (typeName !== 'all' && !(EXPORT_TYPES as readonly string[]).includes(typeName)) {
    return badArgument('type', `"type" ${JSON.stringify(typeName.slice(0, 40))} is not exported; one of ${EXPORT_TYPES.join(', ')}, all (${USAGE})`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return badArgument('format', `"format" must be ndjson or csv, as the path's extension (${USAGE})`);
  if (typeName === 'all' && format === 'csv') return badArgument('format', '"format" csv holds one type per file (its columns); export "all" as ndjson, or one type as csv');
  for (const name of new Set(url.searchParams.keys())) {
    if (!PARAMETERS.has(name)) return badArgument(name, `unknown parameter "${name.slice(0, 40)}"; the parameters are from, to and user`);
    if (url.searchParams.getAll(name).length > 1) return badArgument(name, `"${name}" given more than once`);
  }
  const dates: Record<'from' | 'to', string> = { from: '', to: '' };
  for (const name of ['from', 'to'] as const) {
    const value = url.searchParams.get(name);
    if (!value) return badArgument(name, `"${name}" is required: a local date YYYY-MM-DD (inclusive)`);
    try {
      parseLocalDate(value);
    } catch {
      return badArgument(name, `"${name}" ${JSON.stringify(value.slice(0, 40))} is not a local date YYYY-MM-DD`);
    }
    if (value < '0001-01-01') return badArgument(name, `"${name}" must be 0001-01-01 or later`);
    dates[name] = value;
  }
  if (dates.to < dates.from) return badArgument('to', `"to" (${dates.to}) is before "from" (${dates.from})`);
  const days = Math.round((Date.parse(`${dates.to}T00:00:00Z`) - Date.parse(`${dates.from}T00:00:00Z`)) / 86_400_000) + 1;
  if (days > MAX_EXPORT_DAYS) return badArgument('to', `"from".."to" may cover at most ${MAX_EXPORT_DAYS} days (asked for ${days}): export in parts`);
  const user = url.searchParams.get('user');
  if (user !== null && (user.length === 0 || user.length > 255)) return badArgument('user', '"user" must be a user id (1..255 characters)');
  return { types: typeName === 'all' ? [...EXPORT_TYPES] : [typeName as ExportType], typeName, format: format as ExportFormat, from: dates.from, to: dates.to, user };
}

export function useExportRoutes(deps: ExportRouteDeps): Plugin {
  const read: ReadQuery = readQueryFor(deps.prisma) ?? ((sql, params) => deps.prisma.$queryRawUnsafe(sql, ...params));
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(EXPORT_PREFIX)) return;
      const match = PATH.exec(url.pathname);
      if (!match) return endResponse(json(404, { error: 'not_found', message: USAGE }));
      if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(json(405, { error: 'method_not_allowed', message: 'GET only' }, { allow: 'GET, HEAD' }));

      const resolution = await deps.principals.resolve(bearerToken(request));
      if (!('principal' in resolution)) {
        return endResponse(json(401, { error: 'unauthenticated', message: 'Send an API key or a user token as "Authorization: Bearer <credential>".' }, { 'WWW-Authenticate': 'Bearer' }));
      }
      const principal = resolution.principal;
      if (!can(principal, 'read')) return endResponse(json(403, { error: 'forbidden', message: `An export needs scope ${scopeFor(principal.kind, 'read')}.` }));
      const wait = deps.rateLimits.take(principal);
      if (wait > 0) return endResponse(json(429, { error: 'rate_limited', message: `Rate limit exceeded: retry after ${wait} s.` }, { 'Retry-After': String(wait) }));

      const parsed = parse(url, decodeURIComponent(match[1]));
      if (parsed instanceof Response) return endResponse(parsed);

      // The boundary decides which users: a user token sees its own only; another id answers like a missing one.
      const boundary = deps.boundaries.for(principal);
      let userIds: string[] | null;
      if (parsed.user !== null) {
        const asked = userIdOf(parsed.user);
        const visible = boundary.visibleUserIds([asked]);
        const exists = visible.length > 0 && (await read<{ id: string }>(`SELECT "id" FROM "User" WHERE "id" = $1`, [asked])).length > 0;
        if (!exists) return endResponse(json(404, NOT_FOUND_USER));
        userIds = visible;
      } else {
        userIds = boundary.userId === null ? null : [boundary.userId];
      }

      const filename = `${parsed.typeName}-${parsed.from}-${parsed.to}.${parsed.format}`;
      const headers = {
        'content-type': parsed.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      };
      if (request.method === 'HEAD') return endResponse(new fetchAPI.Response(null, { status: 200, headers }));
      const chunks = exportChunks(read, { types: parsed.types, format: parsed.format, from: parsed.from, to: parsed.to, userIds });
      // Pulled by the socket (pipe): the next batch is read only when the client took the last; destroyed when it goes away.
      const body = Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 });
      body.on('error', (error) => deps.logger.error('export failed mid-stream', { type: parsed.typeName, error }));
      deps.logger.info('export started', { type: parsed.typeName, format: parsed.format, from: parsed.from, to: parsed.to, users: userIds ? userIds.length : 'all' });
      return endResponse(new fetchAPI.Response(body as never, { status: 200, headers }));
    },
  };
}

/**
 * Typed GETs against WHOOP's Developer API v2 with the user's bearer token, and its paging: a
 * collection answers `{records: [...], next_token}`; the next page repeats the query with
 * `nextToken` (absent next_token: last page). `limit` is at most 25.
 */
import { apiUrl, ProviderHttpError, type HttpClient } from '../http.js';
import type { Json } from '../../normalize/records.js';

export type JsonObject = { [key: string]: Json };
export type WhoopCollection = 'cycle' | 'recovery' | 'activity/sleep' | 'activity/workout';

export const PAGE_LIMIT = 25;
/** Safety stop for a provider that keeps handing out tokens. */
const MAX_PAGES = 1_000;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class WhoopClient {
  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
    private readonly accessToken: string,
  ) {}

  /** GET -> JSON object; null on 404 when `notFoundAsNull` (a record deleted meanwhile). */
  async get(path: string, query?: Record<string, string>, notFoundAsNull = false): Promise<JsonObject | null> {
    const url = apiUrl(this.base, path, query);
    const res = await this.http.request({ method: 'GET', url, headers: { Authorization: `Bearer ${this.accessToken}`, Accept: 'application/json' } });
    if (res.status === 404 && notFoundAsNull) return null;
    const body = res.status === 404 || res.body.trim() === '' ? null : res.json<unknown>();
    if (!isObject(body)) throw new ProviderHttpError(`GET ${new URL(url).pathname} answered ${res.status} with an unexpected body`, res.status, res.body.slice(0, 300));
    return body;
  }

  /**
   * One page of a collection between two instants (start inclusive, end exclusive), from
   * `nextToken` (null: the first page). Returns its records and the next page's token.
   */
  async page(collection: WhoopCollection, range: { start: string; end: string }, nextToken: string | null): Promise<{ records: JsonObject[]; nextToken: string | null }> {
    const query: Record<string, string> = { limit: String(PAGE_LIMIT), start: range.start, end: range.end, ...(nextToken ? { nextToken } : {}) };
    const body = (await this.get(`/v2/${collection}`, query))!;
    if (!Array.isArray(body.records)) throw new ProviderHttpError(`GET /v2/${collection} answered without a records list`, 200, JSON.stringify(body).slice(0, 300));
    const next = typeof body.next_token === 'string' && body.next_token !== '' && body.next_token !== nextToken ? body.next_token : null;
    return { records: body.records.filter(isObject), nextToken: next };
  }

  /** Every record of a collection in the range (all pages). */
  async list(collection: WhoopCollection, range: { start: string; end: string }): Promise<JsonObject[]> {
    const all: JsonObject[] = [];
    let token: string | null = null;
    for (let n = 0; n < MAX_PAGES; n++) {
      const page: { records: JsonObject[]; nextToken: string | null } = await this.page(collection, range, token);
      all.push(...page.records);
      if (!page.nextToken) return all;
      token = page.nextToken;
    }
    throw new ProviderHttpError(`GET /v2/${collection}: more than ${MAX_PAGES} pages`, 200);
  }

  profile(): Promise<JsonObject | null> {
    return this.get('/v2/user/profile/basic');
  }

  sleep(id: string): Promise<JsonObject | null> {
    return this.get(`/v2/activity/sleep/${encodeURIComponent(id)}`, undefined, true);
  }

  workout(id: string): Promise<JsonObject | null> {
    return this.get(`/v2/activity/workout/${encodeURIComponent(id)}`, undefined, true);
  }

  /** The recovery of a cycle (WHOOP's only by-id recovery route). */
  cycleRecovery(cycleId: string): Promise<JsonObject | null> {
    return this.get(`/v2/cycle/${encodeURIComponent(cycleId)}/recovery`, undefined, true);
  }

  /** DELETE /v2/user/access: WHOOP revokes our access for the user (and stops their webhooks). */
  async revokeAccess(): Promise<void> {
    const url = apiUrl(this.base, '/v2/user/access');
    const res = await this.http.request({ method: 'DELETE', url, headers: { Authorization: `Bearer ${this.accessToken}` } });
    if (res.status >= 300 && res.status !== 404) throw new ProviderHttpError(`DELETE /v2/user/access answered ${res.status}`, res.status, res.body.slice(0, 300));
  }
}

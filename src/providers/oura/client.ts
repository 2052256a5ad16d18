/**
 * Typed GETs against Oura API v2 with the user's bearer token, and the `next_token` pagination
 * every collection uses. Errors are the HttpClient's typed errors; a 404 on a collection is an
 * error too (the path is wrong), a 404 on a single document is null.
 */
import type { Json } from '../../normalize/records.js';
import { apiUrl, ProviderHttpError, type HttpClient } from '../http.js';

export type JsonObject = { [key: string]: Json };

/** Collections under /v2/usercollection/ this adapter reads. */
export type OuraCollection =
  | 'personal_info'
  | 'sleep'
  | 'daily_sleep'
  | 'daily_readiness'
  | 'daily_activity'
  | 'daily_spo2'
  | 'daily_stress'
  | 'daily_resilience'
  | 'vO2_max'
  | 'workout'
  | 'session'
  | 'heartrate';

/** Safety stop for a provider that keeps handing out next_tokens. */
const MAX_PAGES = 1_000;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class OuraClient {
  constructor(
    private readonly http: HttpClient,
    private readonly apiUrl: string,
    private readonly accessToken: string,
  ) {}

  private url(path: string, query?: Record<string, string>): string {
    return apiUrl(this.apiUrl, path, query);
  }

  /** GET -> parsed JSON object; null on 404 when `notFoundAsNull`. */
  async getObject(path: string, query?: Record<string, string>, notFoundAsNull = false): Promise<JsonObject | null> {
    const url = this.url(path, query);
    const res = await this.http.request({
      method: 'GET',
      url,
      headers: { Authorization: `Bearer ${this.accessToken}`, Accept: 'application/json' },
    });
    if (res.status === 404) {
      if (notFoundAsNull) return null;
      throw new ProviderHttpError(`GET ${new URL(url).pathname} answered 404`, 404, res.body.slice(0, 300));
    }
    const body = res.body.trim() === '' ? null : res.json<unknown>();
    if (!isObject(body)) throw new ProviderHttpError(`GET ${new URL(url).pathname} answered an unexpected shape`, res.status, res.body.slice(0, 300));
    return body;
  }

  /**
   * One collection, page by page: `{data: [...], next_token}`; the next page repeats the query plus
   * `next_token`. Yields each page's objects (non-objects are dropped).
   */
  async *pages(collection: OuraCollection, query: Record<string, string>): AsyncGenerator<JsonObject[]> {
    let nextToken: string | null = null;
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.getObject(`/v2/usercollection/${collection}`, nextToken ? { ...query, next_token: nextToken } : query);
      const data = body?.data;
      if (!Array.isArray(data)) {
        throw new ProviderHttpError(`GET /v2/usercollection/${collection} answered without a data list`, 200, JSON.stringify(body).slice(0, 300));
      }
      yield data.filter(isObject);
      const next = body?.next_token;
      if (typeof next !== 'string' || next === '' || seen.has(next)) return;
      seen.add(next);
      nextToken = next;
    }
    throw new ProviderHttpError(`GET /v2/usercollection/${collection}: more than ${MAX_PAGES} pages`, 200);
  }

  /** Every object of a collection for the query (all pages). */
  async list(collection: OuraCollection, query: Record<string, string>): Promise<JsonObject[]> {
    const all: JsonObject[] = [];
    for await (const page of this.pages(collection, query)) all.push(...page);
    return all;
  }

  /** start_date / end_date collections. */
  listByDate(collection: OuraCollection, startDate: string, endDate: string): Promise<JsonObject[]> {
    return this.list(collection, { start_date: startDate, end_date: endDate });
  }

  /** heartrate: start_datetime / end_datetime (ISO 8601, at most 30 days apart). */
  listHeartRate(startDateTime: string, endDateTime: string): Promise<JsonObject[]> {
    return this.list('heartrate', { start_datetime: startDateTime, end_datetime: endDateTime });
  }

  /** GET /v2/usercollection/personal_info: {id, age, weight, height, biological_sex, email}. */
  personalInfo(): Promise<JsonObject | null> {
    return this.getObject('/v2/usercollection/personal_info');
  }

  /** A single document, e.g. /v2/usercollection/sleep/{id}; null when Oura has no such document. */
  document(collection: OuraCollection, id: string): Promise<JsonObject | null> {
    return this.getObject(`/v2/usercollection/${collection}/${encodeURIComponent(id)}`, undefined, true);
  }
}

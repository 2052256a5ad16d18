/**
 * Typed wrappers around the AccessLink v3 paths one connection uses, with the user's bearer token.
 * 204 (nothing there) becomes null or an empty list; everything else is left to the HttpClient's
 * typed errors.
 */
import type { Json } from '../../normalize/records.js';
import { apiUrl, ProviderHttpError, underBase, type HttpClient, type HttpResponse } from '../http.js';

export type JsonObject = { [key: string]: Json };

export type TransactionKind = 'exercise' | 'activity' | 'physical-information';

const TRANSACTION_SEGMENT: Record<TransactionKind, string> = {
  exercise: 'exercise-transactions',
  activity: 'activity-transactions',
  'physical-information': 'physical-information-transactions',
};

/** Key of the URL list in GET .../{kind}-transactions/{id}. */
const TRANSACTION_LIST_KEY: Record<TransactionKind, string> = {
  exercise: 'exercises',
  activity: 'activity-log',
  'physical-information': 'physical-informations',
};

export interface PolarTransaction {
  kind: TransactionKind;
  transactionId: number;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class PolarClient {
  constructor(
    private readonly http: HttpClient,
    private readonly apiUrl: string,
    private readonly accessToken: string,
  ) {}

  private url(path: string, query?: Record<string, string>): string {
    return apiUrl(this.apiUrl, path, query);
  }

  private send(method: string, url: string, body?: object): Promise<HttpResponse> {
    return this.http.request({
      method,
      url,
      headers: { Authorization: `Bearer ${this.accessToken}`, Accept: 'application/json' },
      body,
    });
  }

  /** GET -> parsed JSON, or null for 204 / empty body (and for 404 when `notFoundAsNull`). */
  async getJson(urlOrPath: string, query?: Record<string, string>, notFoundAsNull = true): Promise<Json | null> {
    // Transaction listings hand out absolute URLs on Polar's own host: they are put under the
    // configured base (a proxy's path prefix kept), so the token never goes anywhere else.
    const url = /^https?:\/\//.test(urlOrPath) ? underBase(this.apiUrl, urlOrPath) : this.url(urlOrPath, query);
    const res = await this.send('GET', url);
    if (res.status === 404) {
      if (notFoundAsNull) return null;
      throw new ProviderHttpError(`GET ${new URL(url).pathname} answered 404`, 404, res.body.slice(0, 300));
    }
    if (res.status === 204 || res.body.trim() === '') return null;
    return res.json<Json>();
  }

  private async getList(path: string, query: Record<string, string> | undefined, key: string | null): Promise<JsonObject[]> {
    const body = await this.getJson(path, query, false);
    if (body === null) return [];
    const list = Array.isArray(body) ? body : key !== null && isObject(body) && Array.isArray(body[key]) ? body[key] : null;
    if (list === null) {
      // A single-day object where a list was expected (continuous HR's documented example).
      if (isObject(body)) return [body];
      throw new ProviderHttpError(`GET ${path} answered an unexpected shape`, 200, JSON.stringify(body).slice(0, 300));
    }
    return list.filter(isObject);
  }

  // ---------------------------------------------------------------- users

  /** POST /v3/users. 409 (already registered, or member-id taken) returns `alreadyRegistered`. */
  async registerUser(memberId: string): Promise<{ alreadyRegistered: boolean; polarUserId: string | null }> {
    try {
      const res = await this.send('POST', this.url('/v3/users'), { 'member-id': memberId });
      if (res.status === 404) throw new ProviderHttpError('POST /v3/users answered 404', 404);
      const body = res.body.trim() ? res.json<unknown>() : null;
      const id = isObject(body) ? body['polar-user-id'] : null;
      return { alreadyRegistered: false, polarUserId: typeof id === 'number' || typeof id === 'string' ? String(id) : null };
    } catch (error) {
      if (error instanceof ProviderHttpError && error.status === 409) return { alreadyRegistered: true, polarUserId: null };
      throw error;
    }
  }

  /** DELETE /v3/users/{id}; also revokes the token at Polar. 404 counts as done. */
  async deleteUser(polarUserId: string): Promise<void> {
    await this.send('DELETE', this.url(`/v3/users/${encodeURIComponent(polarUserId)}`));
  }

  // ---------------------------------------------------------------- non-transactional data

  /** Exercises uploaded in the last 30 days. */
  listExercises(parts: { samples?: boolean; zones?: boolean; route?: boolean } = {}): Promise<JsonObject[]> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(parts)) if (v) query[k] = 'true';
    return this.getList('/v3/exercises', query, null);
  }

  /** The last 28 nights. */
  listSleep(): Promise<JsonObject[]> {
    return this.getList('/v3/users/sleep', undefined, 'nights');
  }

  /** The last 28 Nightly Recharge results. */
  listNightlyRecharge(): Promise<JsonObject[]> {
    return this.getList('/v3/users/nightly-recharge', undefined, 'recharges');
  }

  /** Daily activity, from/to inclusive, at most 28 days. */
  listActivities(from: string, to: string): Promise<JsonObject[]> {
    return this.getList('/v3/users/activities', { from, to }, null);
  }

  /** Continuous heart rate per day, from/to inclusive, at most 28 days. */
  listContinuousHeartRate(from: string, to: string): Promise<JsonObject[]> {
    return this.getList('/v3/users/continuous-heart-rate', { from, to }, 'heart_rates');
  }

  listCardioLoad(from: string, to: string): Promise<JsonObject[]> {
    return this.getList('/v3/users/cardio-load/date', { from, to }, null);
  }

  listSkinTemperature(from: string, to: string): Promise<JsonObject[]> {
    return this.getList('/v3/users/biosensing/skintemperature', { from, to }, null);
  }

  // ---------------------------------------------------------------- transactions

  /** POST .../{kind}-transactions: null when there is nothing new (204). */
  async createTransaction(polarUserId: string, kind: TransactionKind): Promise<PolarTransaction | null> {
    const res = await this.send('POST', this.url(`/v3/users/${encodeURIComponent(polarUserId)}/${TRANSACTION_SEGMENT[kind]}`));
    if (res.status === 204 || res.status === 404 || res.body.trim() === '') return null;
    const body = res.json<unknown>();
    const id = isObject(body) ? Number(body['transaction-id']) : NaN;
    if (!Number.isSafeInteger(id)) throw new ProviderHttpError('Transaction created without a transaction-id', res.status, res.body.slice(0, 300));
    return { kind, transactionId: id };
  }

  private transactionUrl(polarUserId: string, tx: PolarTransaction): string {
    return this.url(`/v3/users/${encodeURIComponent(polarUserId)}/${TRANSACTION_SEGMENT[tx.kind]}/${tx.transactionId}`);
  }

  /** Absolute URLs of the items in an open transaction. */
  async listTransactionItems(polarUserId: string, tx: PolarTransaction): Promise<string[]> {
    const body = await this.getJson(this.transactionUrl(polarUserId, tx));
    const list = isObject(body) ? body[TRANSACTION_LIST_KEY[tx.kind]] : null;
    return Array.isArray(list) ? list.filter((u): u is string => typeof u === 'string') : [];
  }

  /**
   * PUT commits: the items are gone from later transactions. A 404 means the transaction is
   * already committed (e.g. a retried PUT whose first answer was lost) and counts as done.
   */
  async commitTransaction(polarUserId: string, tx: PolarTransaction): Promise<void> {
    await this.send('PUT', this.transactionUrl(polarUserId, tx));
  }
}

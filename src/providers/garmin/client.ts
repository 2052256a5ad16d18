/**
 * Calls to Garmin's Health and Activity APIs with the user's bearer token: the user id and
 * permissions, the registration's deletion, backfill requests, and ping callbacks.
 */
import { apiUrl, ProviderHttpError, underBase, type HttpClient } from '../http.js';

export type BackfillAnswer = 'accepted' | 'duplicate';

export class GarminClient {
  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
    private readonly accessToken: string,
  ) {}

  private get auth() {
    return { Authorization: `Bearer ${this.accessToken}` };
  }

  private async getJson<T>(path: string): Promise<T> {
    const url = apiUrl(this.base, path);
    const res = await this.http.request({ method: 'GET', url, headers: { ...this.auth, Accept: 'application/json' } });
    if (res.status === 404) throw new ProviderHttpError(`GET ${new URL(url).pathname} answered 404`, 404, res.body.slice(0, 300));
    return res.json<T>();
  }

  /** The user's Garmin id: the key every delivery names the user by. */
  async userId(): Promise<string> {
    const body = await this.getJson<{ userId?: unknown }>('/wellness-api/rest/user/id');
    if (typeof body?.userId !== 'string' || body.userId === '') throw new ProviderHttpError('Garmin user id answer without userId', 200);
    return body.userId;
  }

  /** What the user shares: an array, or (some integrations report) `{permissions: [...]}`. */
  async permissions(): Promise<string[]> {
    const body = await this.getJson<unknown>('/wellness-api/rest/user/permissions');
    const list = Array.isArray(body) ? body : Array.isArray((body as { permissions?: unknown })?.permissions) ? (body as { permissions: unknown[] }).permissions : [];
    return list.filter((p): p is string => typeof p === 'string');
  }

  /** Ends the user's registration: Garmin stops all deliveries for them. */
  async deleteRegistration(): Promise<void> {
    await this.http.request({ method: 'DELETE', url: apiUrl(this.base, '/wellness-api/rest/user/registration'), headers: this.auth });
  }

  /**
   * Asks Garmin to push one summary type's data of [start, end) (seconds): 202 accepted (the data
   * arrives through the deliveries), 409 when that range was requested before (it was delivered
   * then). Other answers throw (400 bad range, 403/412 not shared), with Garmin's errorMessage.
   */
  async backfill(path: string, startSeconds: number, endSeconds: number): Promise<BackfillAnswer> {
    const url = apiUrl(this.base, `/wellness-api/rest/backfill/${path}`, { summaryStartTimeInSeconds: String(startSeconds), summaryEndTimeInSeconds: String(endSeconds) });
    try {
      await this.http.request({ method: 'GET', url, headers: this.auth });
      return 'accepted';
    } catch (error) {
      if (error instanceof ProviderHttpError && error.status === 409) return 'duplicate';
      throw error;
    }
  }

  /** A ping's callback URL, fetched under our configured base (which may be a proxy). */
  async callback(url: string, binary: boolean): Promise<{ json?: unknown; bytes?: Buffer }> {
    const res = await this.http.request({ method: 'GET', url: underBase(this.base, url), headers: this.auth, binary });
    if (res.status === 404) throw new ProviderHttpError('Garmin callback answered 404', 404);
    return binary ? { bytes: res.bytes ?? Buffer.alloc(0) } : { json: res.json<unknown>() };
  }
}

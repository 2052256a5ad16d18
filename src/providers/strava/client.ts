/**
 * Typed calls to Strava API v3 (STRAVA_API_URL, https://www.strava.com/api/v3, any path prefix
 * kept) with the athlete's bearer token, and the deauthorization at the OAuth host
 * (STRAVA_TOKEN_URL's sibling /deauthorize).
 */
import { apiUrl, ProviderHttpError, type HttpClient } from '../http.js';

export type JsonObject = Record<string, unknown>;

/** Strava's largest page. */
export const MAX_PER_PAGE = 200;
/** The streams we keep or may want: heart rate into samples, the rest stays in the raw payload. */
export const STREAM_KEYS = ['time', 'heartrate', 'velocity_smooth', 'cadence', 'watts', 'altitude', 'distance'] as const;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class StravaClient {
  constructor(
    private readonly http: HttpClient,
    private readonly base: string,
    private readonly accessToken: string,
  ) {}

  /** GET -> parsed JSON; null on 404. */
  private async get(path: string, query?: Record<string, string>): Promise<unknown> {
    const url = apiUrl(this.base, path, query);
    const res = await this.http.request({ method: 'GET', url, headers: { Authorization: `Bearer ${this.accessToken}`, Accept: 'application/json' } });
    if (res.status === 404) return null;
    return res.json<unknown>();
  }

  /** One page of the athlete's activities started after `after` and before `before` (epoch seconds). */
  async activities(after: number, before: number, page: number, perPage = MAX_PER_PAGE): Promise<JsonObject[]> {
    const body = await this.get('/athlete/activities', { after: String(after), before: String(before), page: String(page), per_page: String(perPage) });
    if (!Array.isArray(body)) throw new ProviderHttpError('GET /athlete/activities answered without a list', 200, JSON.stringify(body).slice(0, 300));
    return body.filter(isObject);
  }

  /** The DetailedActivity; null when gone or out of the granted scope (404). */
  async activity(id: string): Promise<JsonObject | null> {
    const body = await this.get(`/activities/${encodeURIComponent(id)}`);
    return isObject(body) ? body : null;
  }

  /** The activity's streams keyed by type; null when it has none (manual activities answer 404). */
  async streams(id: string): Promise<JsonObject | null> {
    const body = await this.get(`/activities/${encodeURIComponent(id)}/streams`, { keys: STREAM_KEYS.join(','), key_by_type: 'true' });
    return isObject(body) ? body : null;
  }
}

/** POST <oauth>/deauthorize: every token of this athlete for our application stops working. */
export async function deauthorize(http: HttpClient, tokenUrl: string, accessToken: string): Promise<void> {
  const url = tokenUrl.replace(/\/token\/?$/, '/deauthorize');
  await http.request({ method: 'POST', url, body: new URLSearchParams({ access_token: accessToken }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
}

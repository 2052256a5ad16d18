import {
  ProviderAuthError,
  ProviderForbiddenError,
  ProviderHttpError,
  ProviderNetworkError,
  ProviderRateLimitError,
  createHttpClient,
  parseRetryAfter,
  type HttpClientOptions,
  type RetryInfo,
} from '../../../src/providers/http.js';
import { startPolarFake, type PolarFake } from '../../fakes/polar/index.js';

describe('provider HTTP client against the Polar fake', () => {
  let fake: PolarFake;
  let token: string;
  let unregisteredToken: string;
  let sleeps: number[];
  let retries: RetryInfo[];

  beforeEach(async () => {
    fake = await startPolarFake({ seed: 7 });
    token = fake.connectUser({ memberId: 'member-1' }).accessToken;
    unregisteredToken = fake.connectUser().accessToken;
    sleeps = [];
    retries = [];
  });
  afterEach(async () => {
    await fake.close();
  });

  const client = (options: HttpClientOptions = {}) =>
    createHttpClient({
      baseDelayMs: 5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onRetry: (info) => retries.push(info),
      ...options,
    });
  const get = (path: string, options: HttpClientOptions = {}, bearer = token) =>
    client(options).request({ method: 'GET', url: `${fake.apiUrl}${path}`, headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' } });
  const attempts = (path: string) => fake.requests.filter((r) => r.path === path).length;

  it('retries 429 after the Retry-After the provider asked for', async () => {
    fake.faults.failNext(2, 429, { retryAfterSeconds: 1, pathPrefix: '/v3/users/sleep' });
    const res = await get('/v3/users/sleep');
    expect(res.status).toBe(200);
    expect(res.json<{ nights: unknown[] }>().nights.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([1000, 1000]);
    expect(retries.map((r) => [r.reason, r.status])).toEqual([
      ['rate_limited', 429],
      ['rate_limited', 429],
    ]);
    expect(attempts('/v3/users/sleep')).toBe(3);
  });

  it('throws ProviderRateLimitError at once when Retry-After exceeds maxDelayMs', async () => {
    fake.faults.failNext(1, 429, { retryAfterSeconds: 900 });
    const error = await get('/v3/users/sleep').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterMs).toBe(900_000);
    expect(sleeps).toEqual([]);
    expect(attempts('/v3/users/sleep')).toBe(1);
  });

  it('gives up on 429 without Retry-After after maxRetries with exponential, jittered waits', async () => {
    fake.faults.failNext(10, 429);
    const error = await get('/v3/users/sleep', { maxRetries: 3, random: () => 0.999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterMs).toBeGreaterThan(0);
    expect(sleeps).toEqual([4, 9, 19]);
    expect(attempts('/v3/users/sleep')).toBe(4);
  });

  it('retries 5xx, then returns the success', async () => {
    fake.faults.failNext(2, 503);
    const res = await get('/v3/users/nightly-recharge');
    expect(res.status).toBe(200);
    expect(retries.map((r) => r.reason)).toEqual(['server_error', 'server_error']);
  });

  it('throws ProviderHttpError with the status when 5xx outlasts the retries', async () => {
    fake.faults.failNext(10, 500);
    const error = await get('/v3/users/sleep', { maxRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).status).toBe(500);
    expect(attempts('/v3/users/sleep')).toBe(3);
  });

  it('retries a connection reset in the middle of the body', async () => {
    fake.faults.resetConnectionNext(2, '/v3/exercises');
    const res = await get('/v3/exercises');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json())).toBe(true);
    expect(retries.map((r) => r.reason)).toEqual(['network_error', 'network_error']);
    expect(fake.requests.filter((r) => r.aborted)).toHaveLength(2);
  });

  it('throws ProviderNetworkError when resets outlast the retries', async () => {
    fake.faults.resetConnectionNext(10, '/v3/exercises');
    await expect(get('/v3/exercises', { maxRetries: 1 })).rejects.toBeInstanceOf(ProviderNetworkError);
  });

  it('retries a timeout', async () => {
    // Margins a busy machine cannot eat: the delayed answer comes 10x after the timeout, and the
    // retry has a whole second to answer.
    fake.faults.delayNext(1, 10_000, '/v3/users/sleep');
    const res = await get('/v3/users/sleep', { timeoutMs: 1000 });
    expect(res.status).toBe(200);
    expect(retries.map((r) => r.reason)).toEqual(['timeout']);
  });

  it('throws ProviderAuthError on 401 without retrying or leaking the token', async () => {
    fake.revokeUser([...fake.users.keys()][0]);
    const error = await get('/v3/users/sleep').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(String((error as Error).message)).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(attempts('/v3/users/sleep')).toBe(1);
    expect(retries).toEqual([]);
  });

  it('throws ProviderForbiddenError on 403, returns 404 and 204, throws ProviderHttpError on 400', async () => {
    await expect(get('/v3/users/sleep', {}, unregisteredToken)).rejects.toBeInstanceOf(ProviderForbiddenError);
    expect((await get('/v3/exercises/nope')).status).toBe(404);
    const empty = await get('/v3/users/biosensing/spo2');
    expect(empty.status).toBe(204);
    expect(empty.body).toBe('');
    const error = await get('/v3/users/activities?from=2020-01-01&to=2020-03-01').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).status).toBe(400);
    expect((error as Error).message).not.toContain('from=');
  });

  it('sends object bodies as JSON', async () => {
    const fresh = fake.connectUser().accessToken;
    const res = await client().request({
      method: 'POST',
      url: `${fake.apiUrl}/v3/users`,
      headers: { Authorization: `Bearer ${fresh}` },
      body: { 'member-id': 'json-body' },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ 'member-id': 'json-body' });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-03-14T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 14 Mar 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 14 Mar 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

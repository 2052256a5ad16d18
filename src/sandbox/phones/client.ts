/**
 * A push client written the way a mobile SDK would be: it holds the user's token (SELF_INGEST),
 * splits what it read into batches under the contract's limit, gzips each, POSTs it to
 * /ingest/v1/<platform>, retries 429/503 after Retry-After, and sends deletions by record id.
 * Used by `npm run cli -- demo`, the tests, and as the reference for SDK authors.
 */
import { gzipSync } from 'node:zlib';
import type { IngestReport } from '../../ingest/service.js';
import type { Platform, PushBatch } from '../../ingest/contract.js';

export interface PushClientOptions {
  /** The gateway's base URL (a path prefix is fine). */
  url: string;
  token: string;
  /** Records per batch (at most MAX_BATCH_RECORDS). */
  batchSize?: number;
  /** A fetch to use (tests: the app's yoga.fetch). */
  fetch?: (url: string, init: RequestInit) => Promise<Response> | Response;
  maxRetries?: number;
}

export class PushError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`push refused: HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

export class PushClient {
  constructor(private readonly options: PushClientOptions) {}

  /** One batch as is; throws PushError on anything but 200. */
  async send<P extends Platform>(platform: P, batch: PushBatch<P>): Promise<IngestReport> {
    const doFetch = this.options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
    const body = gzipSync(JSON.stringify(batch));
    for (let attempt = 0; ; attempt++) {
      const response = await doFetch(`${this.options.url.replace(/\/$/, '')}/ingest/v1/${platform}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
      const answer = await response.json();
      if (response.status === 200) return answer as IngestReport;
      const retryable = response.status === 429 || response.status === 503;
      if (!retryable || attempt >= (this.options.maxRetries ?? 3)) throw new PushError(response.status, answer);
      const seconds = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.min(30, Math.max(0, seconds)) * 1000));
    }
  }

  /** Everything read, in batches; returns each batch's report. */
  async push<P extends Platform>(platform: P, records: PushBatch<P>['records'] = [], deleted: string[] = []): Promise<IngestReport[]> {
    const size = this.options.batchSize ?? 500;
    const reports: IngestReport[] = [];
    const all = records ?? [];
    for (let i = 0; i < all.length; i += size) {
      reports.push(await this.send(platform, { schemaVersion: 1, client: 'wearable-graph sandbox phone 1.0', records: all.slice(i, i + size) } as PushBatch<P>));
    }
    for (let i = 0; i < deleted.length; i += size) {
      reports.push(await this.send(platform, { schemaVersion: 1, deleted: deleted.slice(i, i + size).map((id) => ({ id })) } as PushBatch<P>));
    }
    return reports;
  }
}

/** The reports of several batches added up. */
export function totalOf(reports: IngestReport[]): { accepted: number; refused: number; created: number; updated: number; unchanged: number; skipped: number; deleted: number } {
  return reports.reduce(
    (t, r) => ({ accepted: t.accepted + r.accepted, refused: t.refused + r.refused.length, created: t.created + r.created, updated: t.updated + r.updated, unchanged: t.unchanged + r.unchanged, skipped: t.skipped + r.skipped, deleted: t.deleted + r.deleted.found }),
    { accepted: 0, refused: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, deleted: 0 },
  );
}

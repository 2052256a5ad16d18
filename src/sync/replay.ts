/**
 * Re-normalizes stored raw payloads with the current mappers, without calling the provider:
 * after a mapper fix, `npm run cli -- replay` brings every stored record up to date.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import { mapperOf } from '../providers/registry.js';
import type { RawItem } from '../providers/types.js';
import { addCounts, emptyCounts, storeItems, type StoreCounts } from './store.js';

const PAGE = 200;

export async function replayRawPayloads(
  prisma: PrismaClient,
  filter: { provider?: Provider; userId?: string; workoutPriority?: readonly Provider[] },
  onProgress?: (done: number, total: number) => void,
): Promise<StoreCounts> {
  const where = { ...(filter.provider ? { provider: filter.provider } : {}), ...(filter.userId ? { userId: filter.userId } : {}) };
  const total = await prisma.rawPayload.count({ where });
  const counts = emptyCounts();
  let cursor: string | undefined;
  let done = 0;
  for (;;) {
    const page = await prisma.rawPayload.findMany({
      where,
      orderBy: { id: 'asc' },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (page.length === 0) break;
    // One batch per owner of the page (records never span owners, so the order across owners is free).
    const byOwner = new Map<string, { owner: { userId: string; provider: Provider }; items: RawItem[] }>();
    for (const raw of page) {
      if (!mapperOf(raw.provider, raw.dataType)) {
        counts.skipped++;
        counts.skippedReasons.push({ dataType: raw.dataType, providerRecordId: raw.providerRecordId, reason: 'no mapper for this data type any more' });
        continue;
      }
      const key = `${raw.provider}:${raw.userId}`;
      const group = byOwner.get(key) ?? { owner: { userId: raw.userId, provider: raw.provider }, items: [] };
      group.items.push({ dataType: raw.dataType, providerRecordId: raw.providerRecordId, payload: raw.payload as never });
      byOwner.set(key, group);
    }
    for (const { owner, items } of byOwner.values()) {
      const map = (payload: unknown, item: RawItem) => mapperOf(owner.provider, item.dataType)!(payload);
      addCounts(counts, await storeItems(prisma, owner, items, map, { force: true, workoutPriority: filter.workoutPriority }));
    }
    done += page.length;
    onProgress?.(done, total);
    cursor = page.at(-1)!.id;
  }
  return counts;
}

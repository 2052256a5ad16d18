/**
 * Re-normalizes stored raw payloads with the current mappers, without calling the provider:
 * after a mapper fix, `npm run cli -- replay` brings every stored record up to date.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';
import { providerById } from '../providers/registry.js';
import { addCounts, emptyCounts, storeItem, type StoreCounts } from './store.js';

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
    for (const raw of page) {
      const definition = providerById(raw.provider).dataTypes.find((d) => d.name === raw.dataType);
      if (!definition) {
        counts.skipped++;
        counts.skippedReasons.push({ dataType: raw.dataType, providerRecordId: raw.providerRecordId, reason: 'no mapper for this data type any more' });
        continue;
      }
      const item = { dataType: raw.dataType, providerRecordId: raw.providerRecordId, payload: raw.payload as never };
      addCounts(counts, await storeItem(prisma, { userId: raw.userId, provider: raw.provider }, item, (p) => definition.map(p), { force: true, workoutPriority: filter.workoutPriority }));
    }
    done += page.length;
    onProgress?.(done, total);
    cursor = page.at(-1)!.id;
  }
  return counts;
}

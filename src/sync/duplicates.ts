/**
 * The same session recorded by two providers (a run on the watch and on the ring) stays as two
 * records, linked: the one from the lower-priority provider points at the other (duplicateOfId).
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';

export const DUPLICATE_OVERLAP_RATIO = 0.8;

interface Span {
  startTime: Date;
  endTime: Date;
}

/** Shared time over the longer of the two: > 0.8 means the same session. */
export function overlapRatio(a: Span, b: Span): number {
  const shared = Math.min(a.endTime.getTime(), b.endTime.getTime()) - Math.max(a.startTime.getTime(), b.startTime.getTime());
  const longer = Math.max(a.endTime.getTime() - a.startTime.getTime(), b.endTime.getTime() - b.startTime.getTime());
  return shared <= 0 || longer <= 0 ? 0 : shared / longer;
}

export async function linkWorkoutDuplicates(
  prisma: PrismaClient,
  workout: { id: string; userId: string; provider: Provider } & Span,
  priority: readonly Provider[],
): Promise<void> {
  const candidates = await prisma.workout.findMany({
    where: { userId: workout.userId, provider: { not: workout.provider }, startTime: { lt: workout.endTime }, endTime: { gt: workout.startTime } },
    select: { id: true, provider: true, startTime: true, endTime: true },
  });
  const rank = (p: Provider) => {
    const index = priority.indexOf(p);
    return index < 0 ? priority.length : index;
  };
  for (const other of candidates) {
    if (overlapRatio(workout, other) <= DUPLICATE_OVERLAP_RATIO) continue;
    const [primary, secondary] = rank(workout.provider) <= rank(other.provider) ? [workout, other] : [other, workout];
    await prisma.workout.update({ where: { id: secondary.id }, data: { duplicateOfId: primary.id } });
    await prisma.workout.updateMany({ where: { id: primary.id, duplicateOfId: secondary.id }, data: { duplicateOfId: null } });
  }
}

/**
 * The same session recorded by two providers (a run on the watch and on the ring) stays as two
 * records, linked: the one from the lower-priority provider points at the other (duplicateOfId).
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Provider } from '../generated/prisma/enums.js';

export const DUPLICATE_OVERLAP_RATIO = 0.8;

export interface Span {
  startTime: Date;
  endTime: Date;
}

/** Shared time over the longer of the two: > 0.8 means the same session. */
export function overlapRatio(a: Span, b: Span): number {
  const shared = Math.min(a.endTime.getTime(), b.endTime.getTime()) - Math.max(a.startTime.getTime(), b.startTime.getTime());
  const longer = Math.max(a.endTime.getTime() - a.startTime.getTime(), b.endTime.getTime() - b.startTime.getTime());
  return shared <= 0 || longer <= 0 ? 0 : shared / longer;
}

/** Another provider's workout of the same user, as read from the database. */
export interface LinkCandidate extends Span {
  id: string;
  provider: Provider;
}

/**
 * One link to make: `secondary.duplicateOfId = primary`, and primary's own duplicateOfId cleared
 * if it pointed back at secondary. 'self' is the workout being stored (its id may not be known
 * yet: the writer refers to it by its unique key).
 */
export interface WorkoutLink {
  primary: 'self' | string;
  secondary: 'self' | string;
}

/**
 * The links a stored workout makes with the other providers' workouts it overlaps, in candidate
 * order. Applying them in order (and the links of several workouts in the order they were stored)
 * gives the same duplicateOfId values as linking each workout right after its upsert.
 */
export function workoutLinks(workout: { provider: Provider } & Span, candidates: readonly LinkCandidate[], priority: readonly Provider[]): WorkoutLink[] {
  const rank = (p: Provider) => {
    const index = priority.indexOf(p);
    return index < 0 ? priority.length : index;
  };
  const links: WorkoutLink[] = [];
  for (const other of candidates) {
    if (other.provider === workout.provider) continue;
    // The range the database query asked for (strict overlap), then the ratio.
    if (!(other.startTime < workout.endTime && other.endTime > workout.startTime)) continue;
    if (overlapRatio(workout, other) <= DUPLICATE_OVERLAP_RATIO) continue;
    links.push(rank(workout.provider) <= rank(other.provider) ? { primary: 'self', secondary: other.id } : { primary: other.id, secondary: 'self' });
  }
  return links;
}

/** Links one stored workout right away (storeItems applies the same links inside its batch transaction). */
export async function linkWorkoutDuplicates(
  prisma: PrismaClient,
  workout: { id: string; userId: string; provider: Provider } & Span,
  priority: readonly Provider[],
): Promise<void> {
  const candidates = await prisma.workout.findMany({
    where: { userId: workout.userId, provider: { not: workout.provider }, startTime: { lt: workout.endTime }, endTime: { gt: workout.startTime } },
    select: { id: true, provider: true, startTime: true, endTime: true },
  });
  for (const link of workoutLinks(workout, candidates, priority)) {
    const primary = link.primary === 'self' ? workout.id : link.primary;
    const secondary = link.secondary === 'self' ? workout.id : link.secondary;
    await prisma.workout.update({ where: { id: secondary }, data: { duplicateOfId: primary } });
    await prisma.workout.updateMany({ where: { id: primary, duplicateOfId: secondary }, data: { duplicateOfId: null } });
  }
}

/**
 * The record look-ups both APIs share: which rows a date range selects, in which order, and the
 * cursor pages over them. GraphQL's connections (src/graphql/types/user.ts) use the filters and
 * orders; MCP's list tools use the page functions built on the same filters and orders.
 */
import { Prisma } from '../generated/prisma/client.js';
import type { Provider, WorkoutSport } from '../generated/prisma/enums.js';
import { dateRange } from '../graphql/dates.js';
import type { ReadContext } from './context.js';

export interface RecordRange {
  from: string;
  to: string;
  provider?: string | null;
}

/** Records whose local date is in [from, to] (validated: at most `maxDays`), optionally from one provider. */
export function recordRangeWhere(args: RecordRange, maxDays?: number) {
  const { from, to } = dateRange(args.from, args.to, maxDays);
  return {
    localDate: { gte: from, lte: to },
    ...(args.provider ? { provider: args.provider as Provider } : {}),
  };
}

/** The order of each record list (ties broken by id, so cursors are stable). */
export const RECORD_ORDER = {
  workouts: [{ startTime: 'asc' as const }, { id: 'asc' as const }],
  sleepSessions: [{ startTime: 'asc' as const }, { id: 'asc' as const }],
  recoveries: [{ localDate: 'asc' as const }, { id: 'asc' as const }],
  dailyActivities: [{ localDate: 'asc' as const }, { id: 'asc' as const }],
  vo2MaxEstimates: [{ measuredAt: 'asc' as const }, { id: 'asc' as const }],
};

type Sort = 'asc' | 'desc';
/** One orderable field of a record list: its column, and whether it may be null (then rows without it are left out). */
interface OrderField {
  column: string;
  nullable: boolean;
  description: string;
}

/**
 * The orders analysts may ask of each record list: time either way and the numeric fields that
 * rank records (longest run, best night). Ties are broken by id, so cursors stay stable; ordering
 * by a nullable field leaves out the records that lack it (a cursor cannot step over nulls).
 */
export const RECORD_ORDER_FIELDS = {
  workouts: {
    START_TIME: { column: 'startTime', nullable: false, description: 'start instant' },
    DURATION: { column: 'durationSeconds', nullable: false, description: 'duration' },
    DISTANCE: { column: 'distanceMeters', nullable: true, description: 'distance (workouts without one left out)' },
    TRAINING_LOAD: { column: 'trainingLoad', nullable: true, description: 'training load (workouts without one left out)' },
    ENERGY: { column: 'energyKcal', nullable: true, description: 'energy (workouts without one left out)' },
  },
  sleepSessions: {
    START_TIME: { column: 'startTime', nullable: false, description: 'start instant' },
    TOTAL_SLEEP: { column: 'totalSleepSeconds', nullable: true, description: 'time asleep (periods without it left out)' },
    SCORE: { column: 'score', nullable: true, description: 'score (periods without one left out)' },
  },
  recoveries: {
    DATE: { column: 'localDate', nullable: false, description: 'local date' },
    HRV: { column: 'hrvRmssdMs', nullable: true, description: 'HRV (records without it left out)' },
    RESTING_HEART_RATE: { column: 'restingHeartRateBpm', nullable: true, description: 'resting heart rate (records without it left out)' },
  },
  dailyActivities: {
    DATE: { column: 'localDate', nullable: false, description: 'local date' },
    STEPS: { column: 'steps', nullable: true, description: 'steps (days without them left out)' },
    ACTIVE_ENERGY: { column: 'activeEnergyKcal', nullable: true, description: 'active energy (days without it left out)' },
  },
  vo2MaxEstimates: {
    TIME: { column: 'measuredAt', nullable: false, description: 'measurement instant' },
    VALUE: { column: 'vo2MaxMlPerKgMin', nullable: false, description: 'VO2max' },
  },
} as const satisfies Record<keyof typeof RECORD_ORDER, Record<string, OrderField>>;

export type RecordList = keyof typeof RECORD_ORDER_FIELDS;

/** Order values of a list: `<FIELD>_ASC` / `<FIELD>_DESC`. */
export function recordOrderValues(list: RecordList): { name: string; description: string }[] {
  return Object.entries(RECORD_ORDER_FIELDS[list] as Record<string, OrderField>).flatMap(([field, f]) => [
    { name: `${field}_ASC`, description: `By ${f.description}, smallest / earliest first.` },
    { name: `${field}_DESC`, description: `By ${f.description}, largest / latest first.` },
  ]);
}

/** orderBy (ties by id, same direction) and the filter it needs, for an order value; null: the list's default order. */
export function recordOrder(list: RecordList, order: string | null | undefined): { orderBy: Record<string, Sort>[]; where: Record<string, unknown> } {
  if (!order) return { orderBy: RECORD_ORDER[list] as unknown as Record<string, Sort>[], where: {} };
  const cut = order.lastIndexOf('_');
  const field = (RECORD_ORDER_FIELDS[list] as Record<string, OrderField>)[order.slice(0, cut)];
  const sort = order.slice(cut + 1).toLowerCase() as Sort;
  if (!field || (sort !== 'asc' && sort !== 'desc')) throw new Error(`unknown order ${order} of ${list}`);
  return { orderBy: [{ [field.column]: sort }, { id: sort }], where: field.nullable ? { [field.column]: { not: null } } : {} };
}

export interface Page<T> {
  items: T[];
  /** Opaque: pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cursor = the last row's id (the same cursor column GraphQL's connections use), base64url-wrapped. */
export function encodeCursor(id: string): string {
  return Buffer.from(`c:${id}`).toString('base64url');
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export function decodeCursor(cursor: string | null | undefined): string | null {
  if (!cursor) return null;
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!text.startsWith('c:') || text.length < 3) throw new InvalidCursorError('cursor is not one this server issued');
  return text.slice(2);
}

async function page<T extends { id: string }>(rows: Promise<T[]>, limit: number): Promise<Page<T>> {
  const list = await rows;
  const items = list.slice(0, limit);
  return { items, nextCursor: list.length > limit ? encodeCursor(items[items.length - 1].id) : null };
}

const after = (cursor: string | null): { cursor?: { id: string }; skip?: number } => (cursor ? { cursor: { id: cursor }, skip: 1 } : {});

export interface PageArgs extends RecordRange {
  userId: string;
  limit: number;
  cursor?: string | null;
  maxDays?: number;
}

export function workoutsPage(ctx: ReadContext, args: PageArgs & { sport?: WorkoutSport | null }) {
  return page(
    ctx.prisma.workout.findMany({
      where: { userId: args.userId, ...recordRangeWhere(args, args.maxDays), ...(args.sport ? { sport: args.sport } : {}) },
      orderBy: RECORD_ORDER.workouts,
      take: args.limit + 1,
      ...after(decodeCursor(args.cursor)),
    }),
    args.limit,
  );
}

export function sleepPage(ctx: ReadContext, args: PageArgs) {
  return page(
    ctx.prisma.sleepSession.findMany({
      where: { userId: args.userId, ...recordRangeWhere(args, args.maxDays) },
      orderBy: RECORD_ORDER.sleepSessions,
      take: args.limit + 1,
      ...after(decodeCursor(args.cursor)),
    }),
    args.limit,
  );
}

/** One workout of one user (null when it does not exist or belongs to someone else). */
export function findWorkout(ctx: ReadContext, userId: string, id: string) {
  return ctx.prisma.workout.findFirst({ where: { id, userId } });
}

/** Heart-rate samples in [from, to), oldest first (the order of User.heartRate). */
export function heartRateSamples(ctx: ReadContext, userId: string, from: Date, to: Date, provider?: Provider | null) {
  return ctx.prisma.heartRateSample.findMany({
    where: { userId, time: { gte: from, lt: to }, ...(provider ? { provider } : {}) },
    orderBy: [{ time: 'asc' }, { provider: 'asc' }],
    select: { time: true, bpm: true, provider: true, sourceDevice: true, context: true },
  });
}

/** Users, oldest first (the order of Query.users); `search` matches the external id. */
export function usersPage(ctx: ReadContext, args: { limit: number; cursor?: string | null; search?: string | null }) {
  return page(
    ctx.prisma.user.findMany({
      where: args.search ? { externalId: { contains: args.search, mode: 'insensitive' } } : {},
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: args.limit + 1,
      ...after(decodeCursor(args.cursor)),
      include: { connections: { select: { provider: true, status: true, sandbox: true, lastSyncedAt: true }, orderBy: { createdAt: 'asc' } } },
    }),
    args.limit,
  );
}

/** The record tables a score reads (src/scores/), by the name its input references use. */
const SCORE_INPUT_TABLES = {
  SleepSession: { delegate: 'sleepSession', columns: Prisma.SleepSessionScalarFieldEnum },
  Recovery: { delegate: 'recovery', columns: Prisma.RecoveryScalarFieldEnum },
  Workout: { delegate: 'workout', columns: Prisma.WorkoutScalarFieldEnum },
  Vo2MaxEstimate: { delegate: 'vo2MaxEstimate', columns: Prisma.Vo2MaxEstimateScalarFieldEnum },
} as const;

export type FieldValue = number | string | boolean | null;

/**
 * The stored values of the fields that references name (`{ table, id, fields }`, as a score's
 * inputs list them), one statement per table, the user's own records only. Instants come back as
 * ISO strings, JSON columns (hypnograms, zones) as "N entries".
 */
export async function recordFields(ctx: ReadContext, userId: string, refs: readonly { table: string; id: string | null; fields: readonly string[] }[]): Promise<Map<string, Record<string, FieldValue>>> {
  const out = new Map<string, Record<string, FieldValue>>();
  await Promise.all(
    Object.entries(SCORE_INPUT_TABLES).map(async ([table, { delegate, columns }]) => {
      const wanted = refs.filter((r) => r.table === table && r.id);
      if (!wanted.length) return;
      const fields = new Set(wanted.flatMap((r) => r.fields).filter((f) => f in columns));
      const select = Object.fromEntries(['id', ...fields].map((f) => [f, true]));
      const rows = (await (ctx.prisma[delegate] as unknown as { findMany(args: object): Promise<Record<string, unknown>[]> }).findMany({
        where: { userId, id: { in: wanted.map((r) => r.id!) } },
        select,
      })) as Record<string, unknown>[];
      for (const row of rows) {
        const values: Record<string, FieldValue> = {};
        for (const f of fields) {
          const v = row[f];
          values[f] = v instanceof Date ? v.toISOString() : Array.isArray(v) ? `${v.length} entries` : v === null || ['number', 'string', 'boolean'].includes(typeof v) ? (v as FieldValue) : JSON.stringify(v);
        }
        out.set(`${table}|${row.id as string}`, values);
      }
    }),
  );
  return out;
}

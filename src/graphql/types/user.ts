import { createGraphQLError } from 'graphql-yoga';
import { Prisma } from '../../generated/prisma/client.js';
import { recordOrder, recordOrderValues, recordRangeWhere, type RecordList } from '../../services/records.js';
import { builder, MAX_PAGE_SIZE } from '../builder.js';
import { addLocalDays } from '../../normalize/time.js';
import { dateRange, MAX_RANGE_DAYS } from '../dates.js';
import { columnPlanFor, fieldsOf } from '../loaders/day-columns.js';
import { ConnectionRef } from './connection.js';
import { DayRef } from './day.js';
import { ProviderEnum, WorkoutSportEnum } from './enums.js';
import { HeartRateSampleRef } from './heart-rate-sample.js';
import { ScoreKindEnum, ScoreRef } from './score.js';
import { scoresForRange } from '../../services/scores.js';
import './daily-activity.js';
import './recovery.js';
import './sleep-session.js';
import './vo2max-estimate.js';
import './workout.js';

/** Long enough for any accounts service's id, short enough for its unique index (PostgreSQL's b-tree takes ~2,700 bytes). */
export const MAX_EXTERNAL_ID_LENGTH = 255;

/** `<FIELD>_ASC|_DESC` orders of one record list (src/services/records.ts). */
function orderEnum(list: RecordList, name: string) {
  return builder.enumType(name, {
    description: `Orders of User.${list}: ties broken by id (stable cursors); ordering by a field a record may lack leaves those records out.`,
    values: Object.fromEntries(recordOrderValues(list).map((v) => [v.name, { value: v.name, description: v.description }])),
  });
}

const ORDER_ENUMS = {
  workouts: orderEnum('workouts', 'WorkoutOrder'),
  sleepSessions: orderEnum('sleepSessions', 'SleepSessionOrder'),
  recoveries: orderEnum('recoveries', 'RecoveryOrder'),
  dailyActivities: orderEnum('dailyActivities', 'DailyActivityOrder'),
  vo2MaxEstimates: orderEnum('vo2MaxEstimates', 'Vo2MaxEstimateOrder'),
};

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  description: 'A person whose wearable data the gateway holds.',
  fields: (t) => {
    const range = (list: RecordList) => ({
      from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
      to: t.arg({ type: 'LocalDate', required: true, description: `Last local date, inclusive; at most ${MAX_RANGE_DAYS} days from "from".` }),
      provider: t.arg({ type: ProviderEnum, description: 'Only records from this provider.' }),
      orderBy: t.arg({ type: ORDER_ENUMS[list], description: 'Order of the list (default: oldest first).' }),
    });
    /** The connection's Prisma query: range, provider, order (and the filter an order needs), plus the list's own filters. */
    const listQuery = (list: RecordList, args: { from: string; to: string; provider?: string | null; orderBy?: string | null }, where: Record<string, unknown> = {}) => {
      const order = recordOrder(list, args.orderBy);
      return { where: { ...recordRangeWhere(args), ...order.where, ...where }, orderBy: order.orderBy };
    };
    const PAGING = `Relay connection: first/after, at most ${MAX_PAGE_SIZE} a page; totalCount counts every record the arguments select.`;
    return {
      externalId: t.exposeString('externalId', {
        nullable: true,
        description: "The operator's own id for this user (e.g. from its accounts service).",
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the user was created.' }),
      connections: t.relation('connections', {
        description: 'Provider connections (at most one per provider).',
        query: { orderBy: { createdAt: 'asc' } },
      }),
      workouts: t.relatedConnection('workouts', {
        cursor: 'id',
        totalCount: true,
        description: `Workouts whose local date is in the range, oldest first unless orderBy says otherwise. ${PAGING}`,
        args: {
          ...range('workouts'),
          sport: t.arg({ type: WorkoutSportEnum, description: 'Only this sport.' }),
          primaryOnly: t.arg.boolean({ description: "Each session once: leave out records that duplicate another provider's (Workout.duplicateOf)." }),
        },
        query: (args) => listQuery('workouts', args, { ...(args.sport ? { sport: args.sport } : {}), ...(args.primaryOnly ? { duplicateOfId: null } : {}) }),
      }),
      sleepSessions: t.relatedConnection('sleepSessions', {
        cursor: 'id',
        totalCount: true,
        description: `Sleep periods whose local date (the morning they ended) is in the range; oldest first unless orderBy says otherwise. ${PAGING}`,
        args: range('sleepSessions'),
        query: (args) => listQuery('sleepSessions', args),
      }),
      recoveries: t.relatedConnection('recoveries', {
        cursor: 'id',
        totalCount: true,
        description: `Nightly recovery records (Nightly Recharge, readiness) in the range; oldest first unless orderBy says otherwise. ${PAGING}`,
        args: range('recoveries'),
        query: (args) => listQuery('recoveries', args),
      }),
      dailyActivities: t.relatedConnection('dailyActivities', {
        cursor: 'id',
        totalCount: true,
        description: `Daily activity summaries in the range; oldest first unless orderBy says otherwise. ${PAGING}`,
        args: range('dailyActivities'),
        query: (args) => listQuery('dailyActivities', args),
      }),
      vo2MaxEstimates: t.relatedConnection('vo2MaxEstimates', {
        cursor: 'id',
        totalCount: true,
        description: `VO2max estimates in the range; oldest first unless orderBy says otherwise. ${PAGING}`,
        args: range('vo2MaxEstimates'),
        query: (args) => listQuery('vo2MaxEstimates', args),
      }),
      heartRate: t.relatedConnection('heartRate', {
        type: HeartRateSampleRef,
        cursor: 'userId_provider_time',
        description: 'Heart-rate samples between two instants, oldest first.',
        args: {
          from: t.arg({ type: 'DateTime', required: true, description: 'Start instant, inclusive.' }),
          to: t.arg({ type: 'DateTime', required: true, description: `End instant, exclusive; at most ${MAX_RANGE_DAYS} days after "from".` }),
          provider: t.arg({ type: ProviderEnum, description: 'Only samples from this provider.' }),
        },
        query: (args) => ({
          where: { time: { gte: args.from, lt: args.to }, ...(args.provider ? { provider: args.provider } : {}) },
          orderBy: [{ time: 'asc' }, { provider: 'asc' }],
        }),
      }),
      scores: t.field({
        type: [ScoreRef],
        description:
          'The open scores for charts: one entry per local date from "from" to "to" (at most 366) and kind (all six when kind is omitted), ' +
          'oldest first; a day not computed yet has a null value with its reason. Loads all users of one request in one statement.',
        args: {
          from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
          to: t.arg({ type: 'LocalDate', required: true, description: 'Last local date, inclusive.' }),
          kind: t.arg({ type: ScoreKindEnum, description: 'Only this score.' }),
        },
        resolve: (user, args, ctx) => scoresForRange(ctx, user.id, args.from, args.to, args.kind ?? null),
      }),
      days: t.field({
        type: [DayRef],
        description:
          'One entry per local date from "from" to "to" (at most 366), each with that day\'s workouts, sleep, ' +
          'recovery and activity from every provider. Loads all users of one request in a fixed number of statements.',
        args: {
          from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
          to: t.arg({ type: 'LocalDate', required: true, description: 'Last local date, inclusive.' }),
        },
        resolve: async (user, args, ctx, info) => {
          dateRange(args.from, args.to);
          const { plan, key } = columnPlanFor(info);
          // Day.nextNight reads the date after "to" too: one more day in the same statement.
          const withNext = info.fieldNodes.some((node) => fieldsOf(node.selectionSet, info.fragments).some((f) => f.name.value === 'nextNight'));
          const to = withNext ? addLocalDays(args.to, 1) : args.to;
          const days = await ctx.loaders.days.load({ userId: user.id, from: args.from, to, columns: plan, columnsKey: key });
          if (!withNext) return days;
          return days.slice(0, -1).map((day, i) => ({ ...day, next: days[i + 1] }));
        },
      }),
    };
  },
});

builder.queryFields((t) => ({
  me: t.field({
    type: UserRef,
    nullable: true,
    description: "The user a user token acts for; null for an API key (it acts for no single user).",
    resolve: (_root, _args, ctx) => {
      const userId = ctx.boundary.userId;
      return userId ? ctx.prisma.user.findUnique({ where: { id: userId } }) : null;
    },
  }),
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'All users, oldest first. Needs an API key (a user token lists no users).',
    authScopes: { apiKey: true },
    resolve: (query, _root, _args, ctx) => ctx.prisma.user.findMany({ ...query, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
  user: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'A user by global ID.',
    args: { id: t.arg.globalID({ required: true, for: UserRef, description: 'The user\'s global ID.' }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.user.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  userByExternalId: t.prismaField({
    type: 'User',
    nullable: true,
    description: "A user by the operator's own id.",
    args: { externalId: t.arg.string({ required: true, description: `The externalId given at createUser (at most ${MAX_EXTERNAL_ID_LENGTH} characters).`, extensions: { maxLength: MAX_EXTERNAL_ID_LENGTH } }) },
    resolve: (query, _root, args, ctx) => ctx.prisma.user.findUnique({ ...query, where: { externalId: args.externalId } }),
  }),
}));

const CreateUserInput = builder.inputType('CreateUserInput', {
  description: 'A new user.',
  fields: (t) => ({
    externalId: t.string({
      description: `The operator's own id for the user; must be unique, at most ${MAX_EXTERNAL_ID_LENGTH} characters.`,
      extensions: { maxLength: MAX_EXTERNAL_ID_LENGTH },
    }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.prismaField({
    type: 'User',
    description: 'Creates a user. Needs a WRITE key.',
    authScopes: { write: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const externalId = input.externalId?.trim() || null;
      if (input.externalId != null && !externalId) {
        throw createGraphQLError('externalId must not be blank', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      try {
        return await ctx.prisma.user.create({ ...query, data: { externalId } });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          throw createGraphQLError(`A user with externalId "${externalId}" already exists`, {
            extensions: { code: 'CONFLICT' },
          });
        }
        throw error;
      }
    },
  }),
  deleteUser: t.field({
    type: 'ID',
    description: 'Deletes a user and every record of theirs (connections, tokens, raw payloads, all health data). Needs an ADMIN key. Returns the deleted global ID.',
    authScopes: { admin: true },
    args: { id: t.arg.globalID({ required: true, for: UserRef }) },
    resolve: async (_root, args, ctx) => {
      const { count } = await ctx.prisma.user.deleteMany({ where: { id: args.id.id } });
      if (count === 0) throw createGraphQLError('No such user', { extensions: { code: 'NOT_FOUND' } });
      return Buffer.from(`User:${args.id.id}`).toString('base64');
    },
  }),
}));

void ConnectionRef;

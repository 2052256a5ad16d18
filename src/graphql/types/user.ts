import { createGraphQLError } from 'graphql-yoga';
import { Prisma } from '../../generated/prisma/client.js';
import { RECORD_ORDER, recordRangeWhere } from '../../services/records.js';
import { builder } from '../builder.js';
import { dateRange, MAX_RANGE_DAYS } from '../dates.js';
import { columnPlanFor } from '../loaders/day-columns.js';
import { ConnectionRef } from './connection.js';
import { DayRef } from './day.js';
import { ProviderEnum } from './enums.js';
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

export const UserRef = builder.prismaNode('User', {
  id: { field: 'id' },
  nullable: true, // node(id) / nodes(ids) of a record that does not exist answer null, not an error
  description: 'A person whose wearable data the gateway holds.',
  fields: (t) => {
    const range = () => ({
      from: t.arg({ type: 'LocalDate', required: true, description: 'First local date, inclusive.' }),
      to: t.arg({ type: 'LocalDate', required: true, description: `Last local date, inclusive; at most ${MAX_RANGE_DAYS} days from "from".` }),
      provider: t.arg({ type: ProviderEnum, description: 'Only records from this provider.' }),
    });
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
        description: 'Workouts whose local date is in the range, oldest first.',
        args: range(),
        query: (args) => ({ where: recordRangeWhere(args), orderBy: RECORD_ORDER.workouts }),
      }),
      sleepSessions: t.relatedConnection('sleepSessions', {
        cursor: 'id',
        description: 'Sleep periods whose local date (the morning they ended) is in the range.',
        args: range(),
        query: (args) => ({ where: recordRangeWhere(args), orderBy: RECORD_ORDER.sleepSessions }),
      }),
      recoveries: t.relatedConnection('recoveries', {
        cursor: 'id',
        description: 'Nightly recovery records (Nightly Recharge, readiness) in the range.',
        args: range(),
        query: (args) => ({ where: recordRangeWhere(args), orderBy: RECORD_ORDER.recoveries }),
      }),
      dailyActivities: t.relatedConnection('dailyActivities', {
        cursor: 'id',
        description: 'Daily activity summaries in the range.',
        args: range(),
        query: (args) => ({ where: recordRangeWhere(args), orderBy: RECORD_ORDER.dailyActivities }),
      }),
      vo2MaxEstimates: t.relatedConnection('vo2MaxEstimates', {
        cursor: 'id',
        description: 'VO2max estimates in the range.',
        args: range(),
        query: (args) => ({ where: recordRangeWhere(args), orderBy: RECORD_ORDER.vo2MaxEstimates }),
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
        resolve: (user, args, ctx, info) => {
          dateRange(args.from, args.to);
          const { plan, key } = columnPlanFor(info);
          return ctx.loaders.days.load({ userId: user.id, from: args.from, to: args.to, columns: plan, columnsKey: key });
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

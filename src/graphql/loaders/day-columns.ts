/**
 * Which columns of the four record tables a `days` selection needs. Reading whole rows cost far
 * more than the answer: for 1 user x 30 days the rows are ~600 KB of JSON (hypnograms, extras)
 * for a ~33 KB answer, and parsing them dominated the request.
 *
 * The plan is a pure function of the query document: fragments are flattened and @skip/@include
 * are ignored (selecting a column too many is harmless; one too few would be wrong). A selected
 * field this module does not know falls back to every column of its table.
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { getDatamodel } from '../../generated/pothos-types.js';

export const RECORD_TABLES = ['Workout', 'SleepSession', 'Recovery', 'DailyActivity'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];
/**
 * Sorted column names per table and, when the selection asks for the day's scores (DailyScore
 * rows), the sorted keys of their `detail` it reads (the inputs alone are most of a score's bytes).
 */
export type ColumnPlan = Record<RecordTable, readonly string[]> & { scores?: readonly string[] };

/** Day fields that return records, and their table; other Day fields read no record column. */
const DAY_FIELD_TABLE: Record<string, RecordTable> = {
  workouts: 'Workout',
  primaryWorkouts: 'Workout',
  sleep: 'SleepSession',
  primarySleep: 'SleepSession',
  recovery: 'Recovery',
  primaryRecovery: 'Recovery',
  activity: 'DailyActivity',
  primaryActivity: 'DailyActivity',
};
/**
 * The columns that say how a night recovered. A row with none of them (e.g. an old Polar night
 * that kept only its skin temperature) is never the primary one while another provider's row has
 * values (src/services/days.ts primaryRecovery).
 */
export const RECOVERY_VALUE_COLUMNS = ['hrvRmssdMs', 'restingHeartRateBpm', 'readinessScore', 'nightlyRechargeStatus', 'ansCharge'] as const;
/** Columns a Day field's own resolver reads to pick its record (primaryRecovery skips rows without values). */
const DAY_FIELD_PICK_COLUMNS: Record<string, readonly string[]> = { primaryRecovery: RECOVERY_VALUE_COLUMNS };
const DAY_FIELDS_WITHOUT_RECORDS = new Set(['date', '__typename']);
/** Day.nextNight (type Night): date, sleep, recovery, primarySleep, primaryRecovery of the next local date. */
const NEXT_NIGHT_FIELD = 'nextNight';
const NIGHT_TABLES = new Set<RecordTable>(['SleepSession', 'Recovery']);
/** Day fields answered from the derived scores (src/derived/store.ts), not from record columns. */
const DAY_SCORE_FIELDS = new Set(['scores']);
/** Score fields answered from a key of the stored `detail` (the others are columns or constants). */
export const SCORE_DETAIL_KEYS = ['baselines', 'components', 'coverage', 'inputs', 'providerEstimates', 'stressMinutes', 'trainingLoad'] as const;
const SCORE_COLUMN_FIELDS = new Set(['kind', 'date', 'value', 'unit', 'reason', 'status', 'algorithmVersion', 'parameterHash', 'computedAt', '__typename']);

/** The detail keys a `scores { <kind> { ... } }` selection reads; an unknown field reads them all. */
function scoreDetailKeys(scoresField: FieldNode, fragments: Fragments, into: Set<string>): void {
  for (const kindField of fieldsOf(scoresField.selectionSet, fragments)) {
    for (const field of fieldsOf(kindField.selectionSet, fragments)) {
      const name = field.name.value;
      if ((SCORE_DETAIL_KEYS as readonly string[]).includes(name)) into.add(name);
      else if (!SCORE_COLUMN_FIELDS.has(name)) SCORE_DETAIL_KEYS.forEach((k) => into.add(k));
    }
  }
}

/**
 * Always read: grouping (userId, localDate), ordering (startTime, provider, id), the global id and
 * relation look-ups (id), and what Day's own resolvers read (Workout.duplicateOfId for
 * primaryWorkouts, SleepSession.type for primarySleep, provider for every primary* field).
 */
const ALWAYS: Record<RecordTable, string[]> = {
  Workout: ['id', 'userId', 'localDate', 'provider', 'startTime', 'duplicateOfId'],
  SleepSession: ['id', 'userId', 'localDate', 'provider', 'startTime', 'type'],
  Recovery: ['id', 'userId', 'localDate', 'provider'],
  DailyActivity: ['id', 'userId', 'localDate', 'provider'],
};

/** Record fields whose name is not a column, and the columns their resolvers read. */
const DERIVED: Record<string, string[]> = {
  __typename: [],
  id: ['id'],
  source: ['provider', 'sourceDevice'],
  utcOffset: ['utcOffsetMinutes'],
  duplicateOf: ['id', 'duplicateOfId'],
  duplicates: ['id'],
};

function perTable<T>(value: (table: RecordTable) => T): Record<RecordTable, T> {
  return { Workout: value('Workout'), SleepSession: value('SleepSession'), Recovery: value('Recovery'), DailyActivity: value('DailyActivity') };
}

const models = getDatamodel().datamodel.models;
/** Every column (scalar and enum fields; relations are not columns) per table. */
export const TABLE_COLUMNS: Record<RecordTable, readonly string[]> = perTable((table) =>
  models[table].fields.filter((f) => f.kind !== 'object').map((f) => f.name),
);
const COLUMN_SETS = perTable((table) => new Set(TABLE_COLUMNS[table]));

type Fragments = Record<string, FragmentDefinitionNode>;

/** The field nodes of a selection set, with inline fragments and fragment spreads flattened. */
export function fieldsOf(set: SelectionSetNode | undefined, fragments: Fragments, out: FieldNode[] = []): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, fragments, out);
    else fieldsOf(fragments[selection.name.value]?.selectionSet, fragments, out);
  }
  return out;
}

/** The columns needed to answer `days` selected by these field nodes (all of `info.fieldNodes`). */
export function columnPlan(daysFieldNodes: readonly FieldNode[], fragments: Fragments): ColumnPlan {
  const wanted = perTable((table) => new Set(ALWAYS[table]));
  const everything = (table: RecordTable) => TABLE_COLUMNS[table].forEach((c) => wanted[table].add(c));
  let scores: Set<string> | null = null;
  const dayFields = (set: SelectionSetNode | undefined, night: boolean) => {
    for (const dayField of fieldsOf(set, fragments)) {
      const table = DAY_FIELD_TABLE[dayField.name.value];
      // Day.nextNight: the next date's rows come from the same statement, so its record fields plan the same columns.
      if (!night && dayField.name.value === NEXT_NIGHT_FIELD) {
        dayFields(dayField.selectionSet, true);
        continue;
      }
      if (!night && DAY_SCORE_FIELDS.has(dayField.name.value)) {
        scoreDetailKeys(dayField, fragments, (scores ??= new Set()));
        continue;
      }
      if (!table || (night && !NIGHT_TABLES.has(table))) {
        // A Day (or Night) field added later might read record columns: read them all rather than guess.
        if (!DAY_FIELDS_WITHOUT_RECORDS.has(dayField.name.value)) RECORD_TABLES.forEach(everything);
        continue;
      }
      DAY_FIELD_PICK_COLUMNS[dayField.name.value]?.forEach((c) => wanted[table].add(c));
      for (const recordField of fieldsOf(dayField.selectionSet, fragments)) {
        const name = recordField.name.value;
        if (COLUMN_SETS[table].has(name)) wanted[table].add(name);
        else if (name in DERIVED) DERIVED[name].forEach((c) => wanted[table].add(c));
        else everything(table);
      }
    }
  };
  for (const daysNode of daysFieldNodes) dayFields(daysNode.selectionSet, false);
  return { ...perTable((table) => [...wanted[table]].sort()), ...(scores ? { scores: [...scores].sort() } : {}) };
}

/** One plan with every column two plans have (a batch with different selections reads once). */
export function mergePlans(plans: ColumnPlan[]): ColumnPlan {
  if (plans.length === 1) return plans[0];
  const merged: ColumnPlan = perTable((table) => [...new Set(plans.flatMap((p) => p[table]))].sort());
  const scored = plans.filter((p) => p.scores);
  return scored.length ? { ...merged, scores: [...new Set(scored.flatMap((p) => p.scores!))].sort() } : merged;
}

export const planKey = (plan: ColumnPlan) => RECORD_TABLES.map((t) => plan[t].join(',')).join('|') + (plan.scores ? `|scores:${plan.scores.join(',')}` : '');

const planCache = new WeakMap<FieldNode, { plan: ColumnPlan; key: string }>();

/**
 * The plan for the `days` field being resolved, cached on its (parsed, and cached by yoga)
 * document node: the same query text costs one walk. Merged field nodes are walked each time.
 */
export function columnPlanFor(info: { fieldNodes: readonly FieldNode[]; fragments: Fragments }): { plan: ColumnPlan; key: string } {
  const single = info.fieldNodes.length === 1 ? info.fieldNodes[0] : null;
  const cached = single && planCache.get(single);
  if (cached) return cached;
  const plan = columnPlan(info.fieldNodes, info.fragments);
  const entry = { plan, key: planKey(plan) };
  if (single) planCache.set(single, entry);
  return entry;
}

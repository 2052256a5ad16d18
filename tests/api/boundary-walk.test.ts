/**
 * The user boundary, walked over the whole printed schema (subgraph.graphql, what /graphql serves).
 *
 * Two users with data of every kind: Alice holds a user token with every scope; Bob is the victim.
 * Bob's IDs are collected generically (an API key walks Bob's graph and keeps every `id` it meets),
 * then for EVERY root field (Query, Mutation, Subscription) and every entity type of `_entities`,
 * the walker builds an operation from the schema alone (arguments filled by type, a deep selection
 * of every field) and sends it with Alice's token once per Bob ID, and once more with an ID of the
 * same type that does not exist. It asserts:
 *   - no answer contains any of Bob's IDs (global or raw) or his externalId;
 *   - the answer for Bob's ID is exactly the answer for a missing ID (same status, same data, same
 *     errors): nothing tells that Bob's object exists;
 *   - Bob's graph is unchanged after every mutation was tried;
 *   - the same operations with an API key DO reach Bob's data (the walk is not vacuous), and
 *     Alice's `me` shows her own data (the boundary does not over-filter).
 * A field or Node type added later is walked without editing this test.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  parse,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { databaseVariants } from '../support/databases.js';
import { ROOT } from '../support/paths.js';
import { seedTwoProviders, userGlobalId } from '../support/seed.js';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app.js';

const SDL_PATH = path.join(ROOT, 'subgraph.graphql');
const FROM = '2026-03-01';
const TO = '2026-03-05';
const MAX_OBJECT_DEPTH = 6;

function loadSchema(): { schema: GraphQLSchema; entityTypes: string[] } {
  const document = parse(fs.readFileSync(SDL_PATH, 'utf8'));
  const entityTypes = document.definitions
    .filter((d) => (d.kind === 'ObjectTypeDefinition' || d.kind === 'ObjectTypeExtension') && d.directives?.some((x) => x.name.value === 'key'))
    .map((d) => (d as { name: { value: string } }).name.value);
  // The subgraph SDL leaves out the federation definitions it imports; add what the walk needs.
  const extra = parse(`
    directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
    directive @link(url: String!, import: [String]) repeatable on SCHEMA
    scalar _Any
    type _Service { sdl: String }
    union _Entity = ${entityTypes.join(' | ')}
    extend type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! }
  `);
  const schema = buildASTSchema({ kind: document.kind, definitions: [...document.definitions, ...extra.definitions] } as never, { assumeValidSDL: true });
  return { schema, entityTypes };
}

const decode = (globalId: string) => {
  const [typename, ...rest] = Buffer.from(globalId, 'base64').toString('utf8').split(':');
  return { typename, id: rest.join(':') };
};
const encode = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');

/** Literal for nested-field arguments (inline: selections below the root take no variables). */
function literal(type: GraphQLInputType, name: string): string | null {
  if (isNonNullType(type)) return literal(type.ofType, name);
  if (isListType(type)) {
    const inner = literal(type.ofType, name);
    return inner === null ? null : `[${inner}]`;
  }
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValues()[0].name;
  switch (named.name) {
    case 'LocalDate':
      return JSON.stringify(name === 'to' ? TO : FROM);
    case 'DateTime':
      return JSON.stringify(name === 'to' ? `${TO}T23:59:59.000Z` : `${FROM}T00:00:00.000Z`);
    case 'Int':
      return '5';
    case 'Float':
      return '1';
    case 'Boolean':
      return 'false';
    case 'String':
      // A series needs a metric that exists (one valid at every bucket size), else the walk is refused before it runs.
      return name === 'metric' ? '"weight_kg"' : '"x"';
    default:
      return null;
  }
}

/** A deep selection of every field of `type`; a type already on the path is only identified. */
function selection(schema: GraphQLSchema, type: GraphQLOutputType, seen: string[] = []): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) {
    const implementations = isUnionType(named) ? named.getTypes() : schema.getPossibleTypes(named);
    return `{ __typename ${implementations.map((t) => `... on ${t.name} ${selection(schema, t, seen)}`).join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields());
  if (seen.includes(named.name) || seen.length >= MAX_OBJECT_DEPTH) {
    return fields.some((f) => f.name === 'id') ? '{ __typename id }' : '{ __typename }';
  }
  const parts = ['__typename'];
  for (const field of fields) {
    const args = field.args.filter((a) => isNonNullType(a.type) || a.name === 'first');
    const literals = args.map((a) => [a.name, literal(a.type, a.name)] as const);
    if (literals.some(([, v]) => v === null)) continue;
    const argText = literals.length ? `(${literals.map(([n, v]) => `${n}: ${v}`).join(', ')})` : '';
    const sub = selection(schema, field.type, [...seen, named.name]);
    // Aliased by type: two implementations of an interface may give one field name two types.
    const alias = field.name === 'id' ? '' : `${named.name}_${field.name}: `;
    parts.push(`${alias}${field.name}${argText} ${sub}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/** Every `id` of an object whose type is a Node type, anywhere in an answer. */
function collectNodeIds(value: unknown, nodeTypes: Set<string>, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) collectNodeIds(v, nodeTypes, into);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string' && typeof record.__typename === 'string' && nodeTypes.has(record.__typename)) into.add(record.id);
    for (const v of Object.values(record)) collectNodeIds(v, nodeTypes, into);
  }
  return into;
}

/** The `data` of an answer (JSON, or each event of a server-sent-events stream). */
function answerData(text: string): unknown[] {
  const bodies = text.startsWith('{') ? [text] : text.split('\n').filter((l) => l.startsWith('data: {')).map((l) => l.slice(6));
  return bodies.map((b) => (JSON.parse(b) as { data?: unknown }).data ?? null);
}

interface Attempt {
  label: string;
  kind: 'query' | 'mutation' | 'subscription';
  document: string;
  /** Variables with Bob's identifiers, and the same with identifiers that exist nowhere. */
  victim: Record<string, unknown>;
  missing: Record<string, unknown>;
  /** Strings of the missing variables that stand for Bob's (to compare the two answers). */
  substitutions: [string, string][];
}

/** Values for a root argument: ID-typed ones get `id`, strings the victim's externalId, and so on. */
function rootValue(type: GraphQLInputType, ids: { id: string; externalId: string; representation: unknown }): unknown {
  if (isNonNullType(type)) return rootValue(type.ofType, ids);
  if (isListType(type)) return [rootValue(type.ofType, ids)];
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      // Required fields, and every ID field (the cross-user vectors) even when optional.
      if (isNonNullType(field.type) || getNamedType(field.type).name === 'ID') out[field.name] = rootValue(field.type, ids);
    }
    return out;
  }
  if (isEnumType(named)) return named.getValues()[0].name;
  switch (named.name) {
    case 'ID':
      return ids.id;
    case 'String':
      return ids.externalId;
    case '_Any':
      return ids.representation;
    case 'LocalDate':
      return FROM;
    case 'DateTime':
      return `${FROM}T00:00:00.000Z`;
    case 'Int':
      return 5;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    default:
      return {};
  }
}

function mentionsId(type: GraphQLInputType, depth = 0): boolean {
  const named = getNamedType(type);
  if (named.name === 'ID' || named.name === '_Any') return true;
  if (isInputObjectType(named) && depth < 3) return Object.values(named.getFields()).some((f) => mentionsId(f.type, depth + 1));
  return false;
}

function buildAttempts(schema: GraphQLSchema, entityTypes: string[], bobIds: string[], bobExternalId: string): Attempt[] {
  const attempts: Attempt[] = [];
  const missingFor = new Map(bobIds.map((id) => [id, encode(decode(id).typename, crypto.randomUUID())]));
  const missingExternal = `missing-${crypto.randomBytes(6).toString('hex')}`;
  const roots: ['query' | 'mutation' | 'subscription', ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  for (const [kind, root] of roots) {
    if (!root) continue;
    for (const field of Object.values(root.getFields()) as GraphQLField<unknown, unknown>[]) {
      const args = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type) || mentionsId(a.type));
      const varDefs = args.map((a, i) => `$a${i}: ${String(a.type)}`).join(', ');
      const argText = args.map((a, i) => `${a.name}: $a${i}`).join(', ');
      const document = `${kind}${varDefs ? `(${varDefs})` : ''} { ${field.name}${argText ? `(${argText})` : ''} ${selection(schema, field.type)} }`;
      const variables = (ids: { id: string; externalId: string; representation: unknown }) =>
        Object.fromEntries(args.map((a, i) => [`a${i}`, rootValue(a.type, ids)]));
      const usesIds = args.some((a) => mentionsId(a.type));
      if (field.name === '_entities') {
        for (const id of bobIds) {
          const { typename } = decode(id);
          if (!entityTypes.includes(typename)) continue;
          attempts.push({
            label: `_entities(${typename} by id)`,
            kind,
            document,
            victim: variables({ id, externalId: bobExternalId, representation: { __typename: typename, id } }),
            missing: variables({ id: missingFor.get(id)!, externalId: missingExternal, representation: { __typename: typename, id: missingFor.get(id)! } }),
            substitutions: [[missingFor.get(id)!, id]],
          });
        }
        attempts.push({
          label: '_entities(User by externalId)',
          kind,
          document,
          victim: variables({ id: '', externalId: bobExternalId, representation: { __typename: 'User', externalId: bobExternalId } }),
          missing: variables({ id: '', externalId: missingExternal, representation: { __typename: 'User', externalId: missingExternal } }),
          substitutions: [[missingExternal, bobExternalId]],
        });
        continue;
      }
      const candidates = usesIds ? bobIds : [''];
      for (const id of candidates) {
        const missingId = id ? missingFor.get(id)! : '';
        attempts.push({
          label: `${kind} ${field.name}${id ? `(${decode(id).typename})` : ''}`,
          kind,
          document,
          victim: variables({ id, externalId: bobExternalId, representation: null }),
          missing: variables({ id: missingId, externalId: missingExternal, representation: null }),
          substitutions: [...(id ? [[missingId, id] as [string, string], [decode(missingId).id, decode(id).id] as [string, string]] : []), [missingExternal, bobExternalId]],
        });
      }
    }
  }
  return attempts;
}

describe.each(databaseVariants())('the user boundary holds on every path of the schema (%s)', (variant) => {
  let t: TestApp;
  let aliceToken: string;
  let alice: string;
  let bob: string;
  let bobExternalId: string;
  const { schema, entityTypes } = loadSchema();
  const nodeTypes = new Set(schema.getPossibleTypes(schema.getType('Node') as never).map((t) => t.name));

  const send = async (attempt: Attempt, variables: Record<string, unknown>, key: string) => {
    const response = await t.app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        ...(attempt.kind === 'subscription' ? { accept: 'text/event-stream' } : {}),
      },
      body: JSON.stringify({ query: attempt.document, variables }),
    });
    return { status: response.status, text: await response.text() };
  };
  /** Bob's whole graph as an API key sees it (every Node ID it reaches, and the JSON). */
  const bobsGraph = async () => {
    const document = `query($id: ID!) { user(id: $id) ${selection(schema, schema.getQueryType()!.getFields().user.type)} }`;
    const res = await t.graphql(document, { id: userGlobalId(bob) });
    expect(res.body.errors).toBeUndefined();
    return { json: JSON.stringify(res.body.data), ids: collectNodeIds(res.body.data, nodeTypes, new Set()) };
  };

  beforeAll(async () => {
    t = await createTestApp(variant, {
      PUBLIC_URL: 'https://health.example.com',
      OAUTH_REDIRECT_ALLOWLIST: 'https://health.example.com/',
      // The walk's documents are deep and wide on purpose; the abuse limits are tested elsewhere.
      GRAPHQL_MAX_COST: '100000000',
      GRAPHQL_MAX_DEPTH: '100',
      GRAPHQL_MAX_TOKENS: '1000000',
      GRAPHQL_MAX_ALIASES: '10000',
      RATE_LIMIT_PER_MINUTE: '0',
      USER_TOKEN_RATE_LIMIT_PER_MINUTE: '0',
    });
    const prisma = t.database.prisma;
    [alice, bob] = await seedTwoProviders(prisma, { users: 2, days: 5, from: FROM });
    bobExternalId = (await prisma.user.findUniqueOrThrow({ where: { id: bob } })).externalId!;
    // The kinds the seed leaves out: connections with a sync run, VO2max, heart rate, a raw payload.
    for (const userId of [alice, bob]) {
      const connection = await prisma.connection.create({ data: { userId, provider: 'POLAR', providerUserId: `p-${userId}`, scopes: ['accesslink.read_all'] } });
      await prisma.syncRun.create({ data: { connectionId: connection.id, kind: 'BACKFILL', status: 'SUCCEEDED', windowFrom: new Date(FROM), windowTo: new Date(TO), dataTypes: ['exercise'], finishedAt: new Date() } });
      const raw = await prisma.rawPayload.create({ data: { userId, provider: 'POLAR', dataType: 'exercise', providerRecordId: `raw-${userId}`, payload: { owner: userId } } });
      await prisma.vo2MaxEstimate.create({ data: { userId, provider: 'POLAR', providerRecordId: `vo2-${userId}`, measuredAt: new Date(`${FROM}T08:00:00Z`), utcOffsetMinutes: 0, localDate: new Date(FROM), vo2MaxMlPerKgMin: 50, rawPayloadId: raw.id } });
      await prisma.heartRateSample.create({ data: { userId, provider: 'POLAR', time: new Date(`${FROM}T08:00:00Z`), utcOffsetMinutes: 0, bpm: 60 } });
    }
    const minted = await t.graphql(
      `mutation($u: ID!) { createUserToken(input: { userId: $u, scopes: [SELF_READ, SELF_CONNECT, SELF_INGEST] }) { token } }`,
      { u: userGlobalId(alice) },
    );
    aliceToken = minted.body.data.createUserToken.token;
  }, 120_000);
  afterAll(() => t.close());

  it('tries every root field and every entity type with Bob\'s IDs: nothing leaks, nothing differs from a missing ID, nothing changes', async () => {
    const before = await bobsGraph();
    const bobIds = [...before.ids];
    // Bob's graph reaches every kind of Node the seed made (a check on the walk itself).
    const bobTypes = new Set(bobIds.map((id) => decode(id).typename));
    for (const typename of ['User', 'Connection', 'SyncRun', 'Workout', 'SleepSession', 'Recovery', 'DailyActivity']) expect(bobTypes).toContain(typename);

    const secrets = [...bobIds, ...bobIds.map((id) => decode(id).id), bobExternalId];
    const attempts = buildAttempts(schema, entityTypes, bobIds, bobExternalId);
    const rootFields = new Set(attempts.map((a) => a.label.split('(')[0]));
    const leaks: string[] = [];
    const differences: string[] = [];
    const invalid: string[] = [];
    let revealedToKey = 0;
    for (const attempt of attempts) {
      const victim = await send(attempt, attempt.victim, aliceToken);
      const missing = await send(attempt, attempt.missing, aliceToken);
      if (/GRAPHQL_(PARSE|VALIDATION)_FAILED/.test(victim.text)) invalid.push(`${attempt.label}: ${victim.text.slice(0, 300)}`);
      // A leak: any of Bob's secrets the request did not carry, anywhere in the answer; or any of
      // them at all in its data (an error message may echo the ID the caller sent, data may not).
      const sent = JSON.stringify(attempt.victim);
      const data = JSON.stringify(answerData(victim.text));
      const found = secrets.filter((s) => (sent.includes(s) ? data.includes(s) : victim.text.includes(s)));
      if (found.length) leaks.push(`${attempt.label}: ${victim.text.slice(0, 300)}`);
      let normalized = missing.text;
      for (const [from, to] of attempt.substitutions) normalized = normalized.split(from).join(to);
      if (victim.status !== missing.status || victim.text !== normalized) differences.push(`${attempt.label}:\n  bob:     ${victim.status} ${victim.text.slice(0, 300)}\n  missing: ${missing.status} ${normalized.slice(0, 300)}`);
      if (attempt.kind === 'query') {
        const asKey = await send(attempt, attempt.victim, TEST_ADMIN_KEY);
        if (secrets.some((s) => asKey.text.includes(s))) revealedToKey++;
      }
    }
    // Every document the walk built is valid: each attempt really ran.
    expect(invalid).toEqual([]);
    expect(leaks).toEqual([]);
    expect(differences).toEqual([]);
    // Bob's graph is unchanged after every mutation was tried on it.
    const after = await bobsGraph();
    expect(after.json).toBe(before.json);

    // Not vacuous: an API key reached Bob's data through node, nodes, user, userByExternalId, users and _entities.
    expect(revealedToKey).toBeGreaterThanOrEqual(bobIds.length);
    for (const field of ['query node', 'query nodes', 'query user', 'query userByExternalId', 'query me', 'mutation connectProvider', 'mutation disconnectProvider', 'mutation resyncConnection', 'subscription syncProgress', '_entities']) {
      expect(rootFields).toContain(field);
    }
    // Alice's own graph is all there through `me`.
    const me = await send(attempts.find((a) => a.label === 'query me')!, {}, aliceToken);
    const mine = collectNodeIds(JSON.parse(me.text).data, nodeTypes, new Set());
    expect(new Set([...mine].map((id) => decode(id).typename))).toEqual(bobTypes);
    expect(mine.size).toBe(bobIds.length);
    // The number of paths tried (reported in the issue's closing note).
    console.info(`[boundary-walk] ${variant}: ${attempts.length} cross-user attempts over ${rootFields.size} root fields and ${bobIds.length} of Bob's IDs (${bobTypes.size} Node types), each also sent with a missing ID`);
  }, 600_000);
});

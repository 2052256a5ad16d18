/** GraphiQL's starting document stays correct against the schema. */
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { DAYS_QUERY, graphiqlDocument } from '../../src/http/graphiql.js';
import { subgraphSchema } from '../../src/graphql/schema.js';

const GRAPHIQL_DEFAULT_QUERY = graphiqlDocument({ publicUrl: 'http://localhost:5100', today: '2026-12-05' });

describe('GraphiQL default document', () => {
  const document = parse(GRAPHIQL_DEFAULT_QUERY);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  it('validates against the schema', () => {
    expect(validate(subgraphSchema, document).map((e) => e.message)).toEqual([]);
  });

  it('has the ready-made operations, each named', () => {
    const names = operations.map((o) => o.name?.value);
    expect(names).toEqual(expect.arrayContaining(['CreateUser', 'ConnectPolar', 'ConnectOura', 'Days', 'Resync', 'SyncProgress']));
    expect(names.every(Boolean)).toBe(true);
    expect(operations.find((o) => o.name?.value === 'SyncProgress')?.operation).toBe('subscription');
  });

  it('explains the Authorization header', () => {
    expect(GRAPHIQL_DEFAULT_QUERY).toMatch(/"Authorization": "Bearer /);
    expect(GRAPHIQL_DEFAULT_QUERY).toMatch(/Headers/);
  });

  it('the demo prints the same Days query', () => {
    expect(GRAPHIQL_DEFAULT_QUERY).toContain(DAYS_QUERY);
  });
});

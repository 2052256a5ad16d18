/**
 * The two committed schema files and composition. schema.graphql (the public API, checked in
 * tests/schema) carries no federation machinery; subgraph.graphql is what `_service { sdl }`
 * answers, and it must compose with other subgraphs: a change that breaks composition fails here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { graphql } from 'graphql';
import { composeSupergraph, CompositionError, loadAndCompose } from '../../src/gateway/compose.js';
import { loadGatewayConfig } from '../../src/gateway/config.js';
import { printSchemaFile, printSubgraphFile, SCHEMA_FILE, SUBGRAPH_FILE } from '../../src/graphql/print.js';
import { subgraphSchema } from '../../src/graphql/schema.js';
import { ROOT } from '../support/paths.js';
import { ACCOUNTS_SDL } from './support.js';

function runGateway(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/gateway/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('subgraph.graphql and composition', () => {
  it('subgraph.graphql is exactly what the code builds (run `npm run schema:print` after changing src/graphql)', () => {
    expect(fs.readFileSync(SUBGRAPH_FILE, 'utf8')).toBe(printSubgraphFile());
  });

  it('is what /graphql answers to `_service { sdl }`, and declares the entities and their keys', async () => {
    const result = await graphql({ schema: subgraphSchema, source: '{ _service { sdl } }' });
    const sdl = (result.data as any)._service.sdl as string;
    expect(sdl).toBe(printSubgraphSchema(subgraphSchema));
    expect(printSubgraphFile()).toContain(sdl);
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \["@key"\]\)/);
    expect(sdl).toMatch(/type User implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "externalId"\)/);
    for (const type of ['Connection', 'Workout', 'SleepSession', 'Recovery']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements [^{]*@key\\(fields: "id"\\)`));
    }
  });

  it('schema.graphql stays the public API, without federation fields', () => {
    const text = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(text).toBe(printSchemaFile());
    expect(text).not.toMatch(/_entities|_service|_Any|@key|@link/);
  });

  it('composes with an accounts subgraph that keys User by externalId', () => {
    const supergraph = composeSupergraph([
      { name: 'health', url: 'http://health:4000/graphql', sdl: fs.readFileSync(SUBGRAPH_FILE, 'utf8') },
      { name: 'accounts', url: 'http://accounts:4001/graphql', sdl: ACCOUNTS_SDL },
    ]);
    expect(supergraph).toMatch(/type User implements Node @join__type\(graph: ACCOUNTS, key: "externalId"\) @join__type\(graph: HEALTH, key: "id"\) @join__type\(graph: HEALTH, key: "externalId"\)/);
    expect(supergraph).toContain('email: String! @join__field(graph: ACCOUNTS)');
    expect(supergraph).toMatch(/days\([^)]*\): \[Day!\]! @join__field\(graph: HEALTH\)/s);
  });

  it('reports a composition error with the composition message', () => {
    const conflicting = ACCOUNTS_SDL.replace('email: String!', 'email: String!\n  createdAt: Int!');
    let error: unknown;
    try {
      composeSupergraph([
        { name: 'health', url: 'http://health:4000/graphql', sdl: fs.readFileSync(SUBGRAPH_FILE, 'utf8') },
        { name: 'accounts', url: 'http://accounts:4001/graphql', sdl: conflicting },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompositionError);
    expect((error as CompositionError).message).toContain(
      '[FIELD_TYPE_MISMATCH] Type of field "User.createdAt" is incompatible across subgraphs: it has type "Int!" in subgraph "accounts" but type "DateTime!" in subgraph "health"',
    );
  });

  it('`npm run gateway` stops on a composition error with its message, no stack trace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whg-compose-'));
    try {
      fs.writeFileSync(path.join(dir, 'accounts.graphql'), ACCOUNTS_SDL.replace('email: String!', 'email: String!\n  createdAt: Int!'));
      fs.writeFileSync(
        path.join(dir, 'gateway.config.json'),
        JSON.stringify({
          subgraphs: [
            { name: 'health', url: 'http://localhost:4000/graphql', schemaFile: SUBGRAPH_FILE },
            { name: 'accounts', url: 'http://localhost:4001/graphql', schemaFile: 'accounts.graphql' },
          ],
        }),
      );
      const broken = await runGateway([], { GATEWAY_CONFIG: path.join(dir, 'gateway.config.json'), GATEWAY_PORT: '0' });
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('gateway not started: supergraph composition failed:');
      expect(broken.stderr).toContain('[FIELD_TYPE_MISMATCH] Type of field "User.createdAt" is incompatible');
      expect(broken.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('the committed gateway.config.json composes this server alone, from the committed subgraph.graphql', async () => {
    const config = loadGatewayConfig({ GATEWAY_CONFIG: path.join(ROOT, 'gateway.config.json'), HEALTH_SUBGRAPH_URL: 'http://api:4000/graphql' });
    expect(config.subgraphs).toEqual([{ name: 'health', url: 'http://api:4000/graphql', schemaFile: SUBGRAPH_FILE }]);
    expect(config.port).toBe(4100);
    const supergraph = await loadAndCompose(config.subgraphs);
    expect(supergraph).toContain('@join__graph(name: "health", url: "http://api:4000/graphql")');
  });
});

/**
 * The query floor: a bare node:http server answering the bench's two `days` queries with
 * hand-written SQL (bench/days-query.ts) through `pg` (pool of 10, as the gateway) or PGlite.
 * Run as its own process, like the gateway, so both are measured the same way.
 *   FLOOR_DATABASE_URL=postgresql://... | FLOOR_PGLITE_DIR=/path/to/data/pglite, PORT=0
 * Prints "listening <port>" when ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { floorAnswer, Unauthorized, type Sql } from './days-query.js';

async function main() {
  let sql: Sql;
  let parallel: boolean;
  let close: () => Promise<void>;
  if (process.env.FLOOR_DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });
    sql = async (text, params) => (await pool.query(text, params)).rows;
    parallel = true;
    close = () => pool.end();
  } else {
    const db = await PGlite.create(process.env.FLOOR_PGLITE_DIR!);
    sql = async (text, params) => (await db.query<Record<string, unknown>>(text, params as never[])).rows;
    parallel = false; // one connection: statements run one after another anyway
    close = () => db.close();
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { query: string; variables: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      floorAnswer(sql, body, req.headers.authorization, parallel).then(
        (answer) => {
          const text = JSON.stringify(answer);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        },
        (error) => {
          res.writeHead(error instanceof Unauthorized ? 401 : 500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ message: String(error?.message ?? error) }] }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

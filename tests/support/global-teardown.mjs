// Drops the run's PostgreSQL template database (tests/support/make-template.ts).
import pg from 'pg';

export default async function globalTeardown() {
  const name = process.env.WHG_PG_TEMPLATE;
  if (!name || !process.env.TEST_DATABASE_URL) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

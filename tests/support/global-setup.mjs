// Jest loads global setup outside its ESM/TypeScript pipeline, so the TypeScript work runs in tsx.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const script = fileURLToPath(new URL('./make-template.ts', import.meta.url));
  // One migrated PostgreSQL database per run (the workers inherit the name; global-teardown drops it).
  if (process.env.TEST_DATABASE_URL) process.env.WHG_PG_TEMPLATE = `whg_template_${Date.now()}_${process.pid}`;
  const result = spawnSync('npx', ['tsx', script], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('could not build the migrated PGlite test template');
  if (!process.env.TEST_DATABASE_URL) {
    process.stderr.write('\n[tests] TEST_DATABASE_URL is not set: running on embedded PGlite only.\n');
  }
}

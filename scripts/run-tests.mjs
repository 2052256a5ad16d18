#!/usr/bin/env node
// `npm test`: type-check, then jest (ES modules need --experimental-vm-modules).
// Extra arguments go to jest, e.g. `npm test -- tests/api`.
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = process.env) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const jestArgs = process.argv.slice(2);
if (jestArgs.length === 0) run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
run('npx', ['jest', ...jestArgs], {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
});

/** The README's configuration tables name every variable the config parser reads (src/config.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/paths.js';

it('every environment variable src/config.ts reads is in a README table row', () => {
  const source = fs.readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
  const read = new Set([...source.matchAll(/\b(?:str|int|url|bool|priority|userTokenScopes)\(env, '([A-Z0-9_]+)'/g)].map((m) => m[1]!));
  expect(read.size).toBeGreaterThan(30);
  expect(read).toContain('SERVER_URL');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const tableText = readme
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .join('\n');
  const missing = [...read].filter((name) => !tableText.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

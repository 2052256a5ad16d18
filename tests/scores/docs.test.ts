/**
 * docs/scores/<score>.md are the product's promise: each lists its parameters with their defaults
 * and names its algorithm version. Read from the same object the code uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ALGORITHM_VERSIONS, DEFAULT_SCORE_PARAMETERS, flattenParameters, type ScoreKind } from '../../src/scores/parameters.js';

const DOCS: Record<ScoreKind, { file: string; prefixes: string[] }> = {
  sleep: { file: 'sleep.md', prefixes: ['sleep.'] },
  recovery: { file: 'recovery.md', prefixes: ['recovery.'] },
  strain: { file: 'strain.md', prefixes: ['strain.', 'profile.'] },
  stress: { file: 'stress.md', prefixes: ['stress.'] },
  hrvStatus: { file: 'hrv-status.md', prefixes: ['hrvStatus.'] },
  vo2max: { file: 'vo2max.md', prefixes: ['vo2max.'] },
};

/** `| \`a.b.c\` | 0.35 | ... |` rows of a document. */
function documentedParameters(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of text.matchAll(/^\|\s*`([\w.]+)`\s*\|\s*([^|]+?)\s*\|/gm)) out.set(match[1], match[2]);
  return out;
}

describe.each(Object.entries(DOCS))('docs/scores for %s', (kind, { file, prefixes }) => {
  const text = fs.readFileSync(path.join('docs/scores', file), 'utf8');
  const documented = documentedParameters(text);
  const inCode = flattenParameters(DEFAULT_SCORE_PARAMETERS).filter(([name]) => prefixes.some((p) => name.startsWith(p)));

  it('lists every parameter of the code with its default, and no other', () => {
    expect(inCode.length).toBeGreaterThan(0);
    expect([...documented.keys()].sort()).toEqual(inCode.map(([name]) => name).sort());
    for (const [name, value] of inCode) expect(`${name} = ${documented.get(name)}`).toBe(`${name} = ${value}`);
  });

  it('names the algorithm version the code stamps on its values', () => {
    expect(text).toContain(`\`${ALGORITHM_VERSIONS[kind as ScoreKind]}\``);
  });
});

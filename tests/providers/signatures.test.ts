/** The shared webhook signature primitives (src/security/signatures.ts). */
import { createHmac } from 'node:crypto';
import { hmacSha256, signatureMatches, withinTolerance } from '../../src/security/signatures.js';

describe('webhook signature helpers', () => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  const expectedHex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

  test('hmacSha256 signs the parts in order, as one message', () => {
    expect(hmacSha256('Jefe', 'what do ya want ', Buffer.from('for nothing?')).toString('hex')).toBe(expectedHex);
  });

  test('signatureMatches compares hex or base64 exactly, and unreadable text is no match', () => {
    const digest = Buffer.from(expectedHex, 'hex');
    expect(signatureMatches(expectedHex.toUpperCase(), digest, 'hex')).toBe(true);
    expect(signatureMatches(digest.toString('base64'), digest, 'base64')).toBe(true);
    expect(signatureMatches(createHmac('sha256', 'jefe').update('x').digest('base64'), digest, 'base64')).toBe(false);
    expect(signatureMatches(expectedHex.slice(0, 62), digest, 'hex')).toBe(false);
    expect(signatureMatches('zz'.repeat(32), digest, 'hex')).toBe(false);
    expect(signatureMatches('not base64!', digest, 'base64')).toBe(false);
    expect(signatureMatches('', digest, 'base64')).toBe(false);
  });

  test('withinTolerance accepts either side of now up to the tolerance', () => {
    expect(withinTolerance(1_000, 301_000, 300_000)).toBe(true);
    expect(withinTolerance(601_001, 301_000, 300_000)).toBe(false);
    expect(withinTolerance(0, 300_001, 300_000)).toBe(false);
  });
});

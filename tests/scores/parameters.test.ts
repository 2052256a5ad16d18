import { DEFAULT_SCORE_PARAMETERS, parameterHash, parseScoreParameters } from '../../src/scores/parameters.js';

describe('score parameters', () => {
  it('merges an override over the defaults and changes the hash', () => {
    const params = parseScoreParameters({ source: 'file', value: { sleep: { weights: { duration: 0.5, efficiency: 0.05 } } } });
    expect(params.sleep.weights).toEqual({ ...DEFAULT_SCORE_PARAMETERS.sleep.weights, duration: 0.5, efficiency: 0.05 });
    expect(params.recovery).toEqual(DEFAULT_SCORE_PARAMETERS.recovery);
    expect(parameterHash(params)).toMatch(/^[0-9a-f]{12}$/);
    expect(parameterHash(params)).not.toBe(parameterHash(DEFAULT_SCORE_PARAMETERS));
    // Same values, different key order: same hash.
    const reordered = parseScoreParameters({ source: 'env', value: { sleep: { weights: { efficiency: 0.05, duration: 0.5 } } } });
    expect(parameterHash(reordered)).toBe(parameterHash(params));
    expect(parameterHash(parseScoreParameters())).toBe(parameterHash(DEFAULT_SCORE_PARAMETERS));
  });

  it('rejects unknown names, wrong types and inconsistent values, naming the parameter', () => {
    expect(() => parseScoreParameters({ source: 'SCORES_CONFIG', value: { sleep: { wieghts: {} } } })).toThrow('SCORES_CONFIG: unknown parameter "sleep.wieghts"');
    expect(() => parseScoreParameters({ source: 'f.json', value: { recovery: { baselineDays: '60' } } })).toThrow('f.json: "recovery.baselineDays" must be a finite number (got "60")');
    expect(() => parseScoreParameters({ source: 'f.json', value: { sleep: { efficiency: { zeroAtPercent: 95 } } } })).toThrow('"sleep.efficiency.zeroAtPercent" must be below fullAtPercent');
    expect(() => parseScoreParameters({ source: 'f.json', value: { strain: { scaleLoad: -1 } } })).toThrow('"strain.scaleLoad" must not be negative');
    expect(() => parseScoreParameters({ source: 'f.json', value: { profile: { sex: 'x' } } })).toThrow('"profile.sex" must be male, female or unknown');
    expect(() => parseScoreParameters({ source: 'f.json', value: [1] })).toThrow('must be an object');
  });
});

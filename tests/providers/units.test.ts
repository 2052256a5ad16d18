/** Shared unit helpers for energy (src/normalize/units.ts). */
import { kilojoulesToKcal, workKilojoulesToKcalBurned } from '../../src/normalize/units.js';

test('energy burned for power-meter work: work / 24 % efficiency, in kcal (1000 kJ of work -> 995.9 kcal)', () => {
  expect(kilojoulesToKcal(4.184)).toBeCloseTo(1, 10);
  // 1000 kJ / 0.24 = 4166.67 kJ burned = 995.86 kcal.
  expect(workKilojoulesToKcalBurned(1000)).toBeCloseTo(995.86, 2);
  expect(workKilojoulesToKcalBurned(0)).toBe(0);
});

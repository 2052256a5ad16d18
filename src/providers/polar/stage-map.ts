/** Mapping table for Polar sleep hypnogram codes (the fake and Polar's docs agree on these). */
import type { HypnogramStage } from '../../normalize/records.js';

/** Polar sleep hypnogram codes (0 wake, 1 REM, 2 lighter non-REM, 3 light non-REM, 4 deep, 5 unknown). */
export const POLAR_HYPNOGRAM_STAGES: Readonly<Record<number, HypnogramStage>> = {
  0: 'AWAKE',
  1: 'REM',
  2: 'LIGHT',
  3: 'LIGHT',
  4: 'DEEP',
  5: 'UNKNOWN',
};

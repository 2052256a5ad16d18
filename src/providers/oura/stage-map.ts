/** Mapping table for Oura's `sleep_phase_5_min` digits (one character per 5 minutes). */
import type { HypnogramStage } from '../../normalize/records.js';

/** "1" deep, "2" light, "3" REM, "4" awake. */
export const OURA_SLEEP_PHASES: Readonly<Record<string, HypnogramStage>> = {
  '1': 'DEEP',
  '2': 'LIGHT',
  '3': 'REM',
  '4': 'AWAKE',
};

/** Seconds one sleep_phase_5_min character covers. */
export const OURA_SLEEP_PHASE_SECONDS = 300;

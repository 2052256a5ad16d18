/** Keys of a Garmin sleep's `sleepLevelsMap` -> hypnogram stages (anything else: UNKNOWN). */
import type { HypnogramStage } from '../../normalize/records.js';

export const GARMIN_SLEEP_LEVELS: Readonly<Record<string, HypnogramStage>> = {
  deep: 'DEEP',
  light: 'LIGHT',
  rem: 'REM',
  awake: 'AWAKE',
};

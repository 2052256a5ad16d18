import { FaultInjector as SharedFaultInjector, type SimulatorFaults } from '../shared/faults.js';

export type { FailOptions, FaultRule } from '../shared/faults.js';
export type OuraFaults = SimulatorFaults;

export const AUTHORIZE_PATH = '/oauth/authorize';

/** Faults for the Oura simulator (same API as Polar's): prefix-less rules spare /oauth/authorize. */
export class FaultInjector extends SharedFaultInjector {
  constructor() {
    super(AUTHORIZE_PATH);
  }
}

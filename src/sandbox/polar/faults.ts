import { FaultInjector as SharedFaultInjector, type SimulatorFaults } from '../shared/faults.js';

export type { FailOptions, FaultRule } from '../shared/faults.js';
export type PolarFaults = SimulatorFaults;

/** Faults for the Polar simulator: prefix-less rules spare the /oauth2/authorization page. */
export class FaultInjector extends SharedFaultInjector {
  constructor() {
    super('/oauth2/authorization');
  }
}

/**
 * Records how long each start-up phase took, for one debug log line ("start-up phases"). The first
 * phase is the time from process start to the first mark (Node itself, and any loader).
 */
import { performance } from 'node:perf_hooks';

export class StartupPhases {
  private last = 0;
  private readonly durations: Record<string, number> = {};

  /** Closes the phase that ran since the previous mark (or since the process started). */
  mark(phase: string): void {
    const now = performance.now();
    this.durations[phase] = Math.round((this.durations[phase] ?? 0) + now - this.last);
    this.last = now;
  }

  /** Phase durations in ms, in order, the total since the process started and the CPU time spent (all threads). */
  summary(): Record<string, number> {
    const cpu = process.cpuUsage();
    return { ...this.durations, total: Math.round(this.last), cpu: Math.round((cpu.user + cpu.system) / 1000) };
  }
}

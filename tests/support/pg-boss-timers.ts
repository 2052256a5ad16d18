/**
 * Jest setup (every test file): pg-boss's `delay` requires node:timers/promises at each call. Its
 * offWork monitor (a 1-second poll until a stopped worker's last fetch returns) can call it once
 * more after an app closed at the end of a file, when jest has already torn the file's module
 * registry down: that `require` then fails and jest reports the whole file as failed ("Cannot
 * destructure property 'setTimeout' of 'require(...)'"). The same delay, with the timer function
 * taken once, here, before pg-boss loads (its modules destructure `delay` at load).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import tools from 'pg-boss/src/tools.js';

type Delay = Promise<void> & { abort(): void };

(tools as { delay: (ms: number, error?: string) => Delay }).delay = (ms: number, error?: string): Delay => {
  const controller = new AbortController();
  const promise = new Promise<void>((resolve, reject) => {
    sleep(ms, null, { signal: controller.signal })
      .then(() => (error ? reject(new Error(error)) : resolve()))
      .catch(() => resolve());
  }) as Delay;
  promise.abort = () => {
    if (!controller.signal.aborted) controller.abort();
  };
  return promise;
};

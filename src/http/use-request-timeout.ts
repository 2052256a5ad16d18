import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { InFlight } from './in-flight.js';

/**
 * Answers an operation that is still executing after `timeoutMs` with a TIMEOUT error (HTTP 504)
 * instead of holding the connection: a pathological query cannot stall its client or pile up
 * sockets. Resolvers already running finish in the background (graphql-js cannot abort them) but
 * their result is dropped; `inFlight` (when given) holds them, so shutdown waits for them before it
 * closes the database. Subscriptions are long-lived by design and are not limited.
 */
export function useRequestTimeout(timeoutMs: number, inFlight?: InFlight): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      if (!timeoutMs) return;
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                createGraphQLError(`The operation did not finish within ${timeoutMs / 1000} s and was abandoned`, {
                  extensions: { code: 'TIMEOUT', http: { status: 504 } },
                }),
              ),
            timeoutMs,
          );
          timer.unref();
        });
        try {
          const execution = Promise.resolve(executeFn(args));
          inFlight?.track(execution).catch(() => {});
          return await Promise.race([execution, timeout]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}

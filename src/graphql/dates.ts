import { createGraphQLError } from 'graphql-yoga';
import { formatLocalDate, parseLocalDate } from '../normalize/time.js';

export const MAX_RANGE_DAYS = 366;

/** Validates a from/to pair of local dates from a client. Both inclusive. */
export function dateRange(from: string, to: string, maxDays = MAX_RANGE_DAYS): { from: Date; to: Date } {
  const start = parseLocalDate(from);
  const end = parseLocalDate(to);
  if (end < start) {
    throw createGraphQLError(`"to" (${to}) is before "from" (${from})`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
  if (days > maxDays) {
    throw createGraphQLError(`A date range may cover at most ${maxDays} days (asked for ${days})`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { from: start, to: end };
}

export { formatLocalDate };

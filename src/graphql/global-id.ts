/**
 * Ids given outside GraphQL (HTTP routes' query parameters, CLI arguments): the global ID the API
 * returns, or the raw id inside it, both accepted.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';

/** The raw id of `value` when it is a global ID of `typename`; `value` itself otherwise. */
export function rawIdOf(value: string, typename: string): string {
  try {
    const decoded = decodeGlobalID(value);
    if (decoded.typename === typename) return decoded.id;
  } catch {
    // not a global ID: the raw id
  }
  return value;
}

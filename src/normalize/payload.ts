/** Reading untrusted provider JSON: what every mapper needs before its provider-specific part. */
import { createHash } from 'node:crypto';
import { skip, type Json, type MapOutcome } from './records.js';

export type Obj = Record<string, unknown>;

/** The value as a plain object, or null (arrays and primitives are not objects here). */
export const asObj = (value: unknown): Obj | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : null;

/** A record id made from the payload's content, for payloads the provider gives no id of their own. */
export const contentRecordId = (payload: Json): string => `raw-${createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 24)}`;

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs a mapper body; anything thrown becomes a skip, so mappers never throw. */
export function safely(body: () => MapOutcome): MapOutcome {
  try {
    return body();
  } catch (error) {
    return skip(`mapper error: ${errorMessage(error)}`);
  }
}

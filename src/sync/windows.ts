import { addDays, formatLocalDate, parseLocalDate } from '../normalize/time.js';
import type { DataTypeDefinition, SyncWindow } from '../providers/types.js';

/**
 * Splits [from, to] into windows the data type's API accepts, oldest first, after clamping to
 * how far back the provider serves it.
 */
export function planWindows(dataType: Pick<DataTypeDefinition, 'maxWindowDays' | 'maxHistoryDays'>, range: SyncWindow, today: string): SyncWindow[] {
  let from = parseLocalDate(range.from);
  const to = parseLocalDate(range.to);
  if (dataType.maxHistoryDays !== null) {
    const earliest = addDays(parseLocalDate(today), -(dataType.maxHistoryDays - 1));
    if (from < earliest) from = earliest;
  }
  const windows: SyncWindow[] = [];
  for (let start = from; start <= to; start = addDays(start, dataType.maxWindowDays)) {
    const end = addDays(start, dataType.maxWindowDays - 1);
    windows.push({ from: formatLocalDate(start), to: formatLocalDate(end < to ? end : to) });
  }
  return windows;
}

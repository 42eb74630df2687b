/**
 * Free-time computation for find_free_times. Pure: instants are epoch milliseconds.
 */
import { localDate, zonedToUtc } from './time.ts';

export interface Interval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping union of the intervals (touching intervals are joined). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

export interface WorkingHours {
  timeZone: string;
  /** Minutes after local midnight. */
  dayStart: number;
  dayEnd: number;
  weekdaysOnly: boolean;
}

/** The working-hour windows (in UTC instants) that overlap `window`, day by day in the given zone. */
export function workingWindows(window: Interval, hours: WorkingHours): Interval[] {
  const out: Interval[] = [];
  const first = localDate(window.start, hours.timeZone);
  for (let offset = 0; offset < 400; offset++) {
    const day = new Date(Date.UTC(first.year, first.month - 1, first.day + offset));
    const ymd = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    const at = (minutes: number): number =>
      zonedToUtc({ ...ymd, hour: Math.floor(minutes / 60), minute: minutes % 60 }, hours.timeZone);
    const start = at(hours.dayStart);
    if (start >= window.end) break;
    const weekday = day.getUTCDay();
    if (hours.weekdaysOnly && (weekday === 0 || weekday === 6)) continue;
    const end = at(hours.dayEnd);
    const clipped = { start: Math.max(start, window.start), end: Math.min(end, window.end) };
    if (clipped.end > clipped.start) out.push(clipped);
  }
  return out;
}

export interface FreeSlotInput {
  window: Interval;
  /** Busy time of every participant together. */
  busy: readonly Interval[];
  /** Minimum length of a free slot. */
  durationMs: number;
  /** Where slots may fall (e.g. working hours); default the whole window. */
  allowed?: readonly Interval[];
  maxSlots: number;
}

/**
 * Free ranges common to everyone: the allowed windows minus the union of busy time, keeping ranges
 * at least `durationMs` long, earliest first. Returns the ranges and whether more were cut off.
 */
export function computeFreeSlots(input: FreeSlotInput): { slots: Interval[]; more: boolean } {
  const busy = mergeIntervals(input.busy);
  const allowed = mergeIntervals(input.allowed ?? [input.window]).map((a) => ({
    start: Math.max(a.start, input.window.start),
    end: Math.min(a.end, input.window.end),
  }));
  const free: Interval[] = [];
  for (const a of allowed) {
    let cursor = a.start;
    for (const b of busy) {
      if (b.end <= cursor) continue;
      if (b.start >= a.end) break;
      if (b.start > cursor) free.push({ start: cursor, end: b.start });
      cursor = Math.max(cursor, b.end);
      if (cursor >= a.end) break;
    }
    if (cursor < a.end) free.push({ start: cursor, end: a.end });
  }
  const long = free.filter((f) => f.end - f.start >= input.durationMs);
  return { slots: long.slice(0, input.maxSlots), more: long.length > input.maxSlots };
}

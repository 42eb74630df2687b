/**
 * Date/time helpers for the calendar tools. Pure: instants are epoch milliseconds; time zones are
 * IANA names resolved with Intl (no clock is read here).
 */
import { ToolError } from '../tool.ts';

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?$/;

/**
 * Parses an ISO 8601 date or date-time. Without an offset the value is taken as UTC (as Graph's
 * calendarView does). Throws ToolError(INVALID_INPUT) naming the field.
 */
export function parseInstant(text: string, field: string): number {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) {
    throw new ToolError('INVALID_INPUT', `${field} "${text}" is not an ISO 8601 date-time, e.g. 2026-05-04T09:00:00Z.`);
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${offset}`);
  if (!Number.isFinite(ms)) throw new ToolError('INVALID_INPUT', `${field} "${text}" is not a valid date-time.`);
  return ms;
}

/** `2026-05-04T09:00:00Z` (seconds precision). */
export function toIsoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallParts(ms: number, tz: string): WallParts {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(fmt.formatToParts(ms).find((p) => p.type === type)?.value ?? '0');
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `tz` from UTC at the instant, in ms (Berlin summer: +7_200_000). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = wallParts(whole, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/** The instant at which the wall clock in `tz` shows the given local date and time. */
export function zonedToUtc(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  tz: string,
): number {
  const guess = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const first = guess - zoneOffsetMs(guess, tz);
  const second = guess - zoneOffsetMs(first, tz);
  return second;
}

/** Local calendar date of an instant in `tz`. */
export function localDate(ms: number, tz: string): { year: number; month: number; day: number } {
  const p = wallParts(ms, tz);
  return { year: p.year, month: p.month, day: p.day };
}

/** "Mon 2026-05-04 09:00" in `tz`. */
export function formatInZone(ms: number, tz: string): string {
  const p = wallParts(ms, tz);
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short' }).format(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${weekday} ${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * A wall-clock date-time for Graph's dateTimeTimeZone (`2026-05-04T09:00:00`). Values with an offset
 * or Z are converted to UTC and reported with timeZone "UTC".
 */
export function toWallDateTime(text: string, timeZone: string, field: string): { dateTime: string; timeZone: string } {
  const trimmed = text.trim();
  const wall = WALL_RE.exec(trimmed);
  if (wall) {
    const [, y, mo, d, h, mi, s = '00'] = wall;
    return { dateTime: `${y}-${mo}-${d}T${h}:${mi}:${s}`, timeZone };
  }
  const ms = parseInstant(trimmed, field);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) {
    throw new ToolError('INVALID_INPUT', `${field} "${text}" needs a time, e.g. 2026-05-04T09:00:00.`);
  }
  return { dateTime: toIsoUtc(ms).slice(0, -1), timeZone: 'UTC' };
}

/** Parses "HH:MM" into minutes after midnight. */
export function parseClock(text: string, field: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || h > 24 || min > 59 || h * 60 + min > 24 * 60) {
    throw new ToolError('INVALID_INPUT', `${field} "${text}" is not a time of day like 09:00.`);
  }
  return h * 60 + min;
}

/** A Graph dateTimeTimeZone as an instant. Graph's dateTime has no offset; timeZone UTC unless a Prefer header asked otherwise. */
export function graphDateTimeToMs(value: { dateTime?: string; timeZone?: string } | null | undefined): number | null {
  if (!value?.dateTime) return null;
  const tz = value.timeZone ?? 'UTC';
  const m = WALL_RE.exec(value.dateTime.replace(/\.\d+$/, ''));
  if (!m) {
    const ms = Date.parse(value.dateTime);
    return Number.isFinite(ms) ? ms : null;
  }
  const [, y, mo, d, h, mi, s = '0'] = m;
  if (tz.toUpperCase() === 'UTC' || !isValidTimeZone(tz)) {
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  }
  return (
    zonedToUtc({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi) }, tz) +
    Number(s) * 1000
  );
}

/** "2026-12-06 13:28" (UTC, minutes) for an ISO 8601 instant; '' for none, the text itself when it is not one. */
export function compactUtc(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

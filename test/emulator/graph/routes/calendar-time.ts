/**
 * Time helpers of the calendar routes: Graph's dateTime strings, dateTimeTimeZone values with IANA
 * zones (Windows zone names are not converted: taken as UTC), and `Prefer: outlook.timezone`.
 */
import type { CalendarEvent, DateTimeTimeZone } from '../model.ts';
import { parsePrefer } from '../prefer.ts';
import type { RouteContext } from '../router.ts';
import { outlookDateTime } from '../seed/prng.ts';

/** Parses `2026-01-01T10:00:00[.0000000][Z|±hh:mm]`; a zone-less value is taken as UTC. */
export function parseGraphDate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(t) ? t : `${t.replace(/\.\d+$/, '')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset (ms) of `tz` at instant `ms` (wall − UTC). */
function zoneOffset(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** dateTimeTimeZone → UTC ms (IANA zones converted; UTC and unknown zones taken as UTC). */
export function toUtcMs(dt: DateTimeTimeZone | undefined): number | undefined {
  if (!dt || typeof dt.dateTime !== 'string') return undefined;
  const asUtc = parseGraphDate(dt.dateTime.replace(/(Z|[+-]\d{2}:\d{2})$/, ''));
  if (asUtc === undefined) return undefined;
  const tz = typeof dt.timeZone === 'string' ? dt.timeZone : 'UTC';
  if (tz.toUpperCase() === 'UTC' || !validZone(tz)) return asUtc;
  return asUtc - zoneOffset(tz, asUtc);
}

export function preferredZone(ctx: RouteContext): string | undefined {
  const zone = parsePrefer(ctx.req.headers.prefer).timeZone;
  return zone && zone.toUpperCase() !== 'UTC' && validZone(zone) ? zone : undefined;
}

export function inZone(dt: DateTimeTimeZone, tz: string | undefined): DateTimeTimeZone {
  if (!tz) return dt;
  const ms = toUtcMs(dt) ?? 0;
  return { dateTime: outlookDateTime(ms + zoneOffset(tz, ms)), timeZone: tz };
}

export function eventStart(e: CalendarEvent): number {
  return toUtcMs(e.start) ?? 0;
}
export function eventEnd(e: CalendarEvent): number {
  return toUtcMs(e.end) ?? 0;
}

/** A stored UTC dateTimeTimeZone for an instant. */
export function utc(ms: number): DateTimeTimeZone {
  return { dateTime: outlookDateTime(ms), timeZone: 'UTC' };
}

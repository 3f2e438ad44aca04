import { ApiError } from '../../shared/api/envelope.ts';

const HOUR_MS = 3_600_000;
const HOUR_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;
/** A guard against a typo listing years of prefixes: about 14 months. */
const MAX_HOURS = 10_000;

/** Parses YYYY-MM-DDTHH (UTC) to the hour's start in epoch ms; a clear BAD_REQUEST otherwise. */
export function parseHour(text: string, name: string): number {
  const m = HOUR_RE.exec(text ?? '');
  if (!m) throw new ApiError('BAD_REQUEST', `"${name}" must be an hour as YYYY-MM-DDTHH (UTC), e.g. 2018-10-09T00; got "${text}"`);
  const [y, mo, d, h] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h) {
    throw new ApiError('BAD_REQUEST', `"${name}" is not a real hour: "${text}"`);
  }
  return ms;
}

export interface HourRange {
  /** Start of the first hour, epoch ms. */
  from: number;
  /** Start of the last hour (inclusive), epoch ms. */
  to: number;
}

export function parseHourRange(from: string, to: string): HourRange {
  const range = { from: parseHour(from, 'from'), to: parseHour(to, 'to') };
  if (range.to < range.from) throw new ApiError('BAD_REQUEST', `"to" (${to}) is before "from" (${from})`);
  if ((range.to - range.from) / HOUR_MS + 1 > MAX_HOURS)
    throw new ApiError('BAD_REQUEST', `the range ${from} … ${to} is longer than ${MAX_HOURS} hours; pull it in parts`);
  return range;
}

/** Rows belong to the range when from ≤ event time < end of the last hour. */
export function eventTimeWindow(range: HourRange): { from: Date; to: Date } {
  return { from: new Date(range.from), to: new Date(range.to + HOUR_MS) };
}

/** A Firehose top-level prefix with exactly one trailing slash ("playlog" → "playlog/"). */
export function normalizePrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return p ? `${p}/` : '';
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The key prefixes to list for each Firehose prefix: one per whole day inside the range, one per hour
 * elsewhere. Firehose files objects by arrival time, so the hour after the range is listed too (late
 * events land there; the import drops rows outside the range by event time).
 */
export function listingPrefixes(prefixes: string[], range: HourRange): string[] {
  const last = range.to + HOUR_MS; // the hour after the range
  const parts: string[] = [];
  for (let t = range.from; t <= last;) {
    const d = new Date(t);
    const day = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/`;
    const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    if (t === dayStart && dayStart + 23 * HOUR_MS <= last) {
      parts.push(day);
      t = dayStart + 24 * HOUR_MS;
    } else {
      parts.push(`${day}${pad(d.getUTCHours())}/`);
      t += HOUR_MS;
    }
  }
  return prefixes.map(normalizePrefix).flatMap((p) => parts.map((part) => p + part));
}

import { normalizePrefix } from './hours.ts';

export const HOUR_MS = 3_600_000;
/** Catch-up after a long sleep lists at most this many hours per tick (the next tick goes on from there). */
export const MAX_CATCH_UP_HOURS = 24 * 7;

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch ms of an hour's start → YYYY-MM-DDTHH (UTC), the sources' hour format. */
export function hourText(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}`;
}

export function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * The hours one follow tick lists: from the watermark to the current hour, and at least the previous
 * and current hour (Firehose files by arrival time, so the previous hour still fills just after the turn).
 */
export function watchedHours(watermark: number, now: number): number[] {
  const current = hourStart(now);
  const first = Math.min(watermark, current - HOUR_MS);
  const last = Math.min(current, first + (MAX_CATCH_UP_HOURS - 1) * HOUR_MS);
  const hours: number[] = [];
  for (let h = first; h <= last; h += HOUR_MS) hours.push(h);
  return hours;
}

/** One key prefix per Firehose prefix and hour: one LIST each on a quiet tick. */
export function hourPrefixes(prefixes: string[], hours: number[]): string[] {
  return prefixes.map(normalizePrefix).flatMap((p) =>
    hours.map((h) => {
      const d = new Date(h);
      return `${p}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`;
    }),
  );
}

/** The next wait after `failures` failed ticks in a row: the interval, doubled each time, capped. */
export function backoffMs(everyMs: number, failures: number, capMs = Math.min(15 * 60_000, everyMs * 32)): number {
  return Math.min(capMs, everyMs * 2 ** Math.max(0, failures - 1));
}

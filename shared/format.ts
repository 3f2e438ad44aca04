/**
 * The one place numbers, timestamps and NULL become text, so a grid cell, a status line and a
 * drill-down say the same thing. Grid cells keep integers bare (ids copy and paste as ids); prose
 * counts get thousands separators.
 */

export const NULL_TEXT = 'NULL';

/** A grid cell's number: integers as they are, fractions to 10 significant digits. */
export function formatCellNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(10));
}

/** A number in prose or a summary: 1,200,000; 0.123 (at most `digits` decimals). */
export function formatNumber(v: unknown, digits = 3): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v === null || v === undefined ? '' : String(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(+v.toFixed(digits));
}

/** "1 row", "1,200,000 rows". */
export function formatCount(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Epoch milliseconds (micros in the fraction) as `2018-10-12 05:53:59.318123`, trailing zeros dropped.
 * A value no Date can hold is shown as its number rather than throwing (a RangeError once broke the
 * Anomalies view).
 */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString(); // 2018-10-12T05:53:59.318Z
  const micros = Math.round((ms - whole) * 1000);
  const frac = micros > 0 ? iso.slice(20, 23) + String(micros).padStart(3, '0') : iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${frac}`.replace(/\.000$/, '').replace(/\.(\d*?)0+$/, (_m, d) => (d ? `.${d}` : ''));
}

/** To the second, for summaries: `2018-10-12 05:53:59`. */
export function formatTimeSeconds(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A grid cell: its text and how it aligns (numbers and booleans right, NULL dimmed). */
export function formatCell(v: string | number | boolean | null): { text: string; cls: '' | 'num' | 'null' } {
  if (v === null) return { text: NULL_TEXT, cls: 'null' };
  if (typeof v === 'number') return { text: formatCellNumber(v), cls: 'num' };
  if (typeof v === 'boolean') return { text: String(v), cls: 'num' };
  return { text: v, cls: '' };
}

/** 1536 → "1.5 KB": one wording for sizes in the CLI and the Sources view. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** Seconds as a clock, m:ss or h:mm:ss (an ETA in a progress line). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Seconds in prose, "42 s", "12 min", "1.5 h" (a dwell, an ETA); a part of a second counts as one. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

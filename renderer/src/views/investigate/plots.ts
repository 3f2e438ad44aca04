/** Pure trace builders for the drill-down's charts (no Svelte, no plotly: unit-testable). */

/**
 * A pause this many times the player's median gap between events (and at least MIN_SESSION_GAP_MS)
 * ends a session; the score line breaks there instead of drawing across the hours in between.
 */
const SESSION_GAP_FACTOR = 10;
const MIN_SESSION_GAP_MS = 15 * 60_000;

export function sessionGapMs(t: ArrayLike<number>): number {
  const gaps: number[] = [];
  for (let i = 1; i < t.length; i++) gaps.push(t[i] - t[i - 1]);
  if (gaps.length === 0) return Infinity;
  gaps.sort((a, b) => a - b);
  return Math.max(MIN_SESSION_GAP_MS, SESSION_GAP_FACTOR * gaps[Math.floor(gaps.length / 2)]);
}

/** The series with a null point inside every session gap (plotly breaks a line at a null). */
export function breakAtGaps(t: ArrayLike<number>, y: ArrayLike<number | null>): { x: number[]; y: (number | null)[]; breaks: number } {
  const limit = sessionGapMs(t);
  const x: number[] = [];
  const out: (number | null)[] = [];
  let breaks = 0;
  for (let i = 0; i < t.length; i++) {
    if (i > 0 && t[i] - t[i - 1] > limit) {
      x.push((t[i] + t[i - 1]) / 2);
      out.push(null);
      breaks++;
    }
    x.push(t[i]);
    out.push(y[i]);
  }
  return { x, y: out, breaks };
}

/** High and low attributions of a feature: a strong colour and a light, hatched one, so the legend tells them apart. */
const HIGH = ['#ff4d4f', '#4a9eff', '#2fa87a', '#e0a43b', '#b07be0', '#8b95a3'];
const LOW = ['#ffc2c3', '#c4defc', '#a9e3cc', '#f5dcaa', '#e2cdf6', '#d6dbe1'];

export function attributionTraces(a: { featureColumns: string[]; rows: { rowId: number; high: number[]; low: number[] }[] }): Record<string, unknown>[] {
  const labels = a.rows.map((r) => `#${r.rowId}`);
  return a.featureColumns.flatMap((f, j) => [
    { type: 'bar', name: `${f} high`, x: labels, y: a.rows.map((r) => r.high[j]), marker: { color: HIGH[j % HIGH.length] } },
    {
      type: 'bar',
      name: `${f} low`,
      x: labels,
      y: a.rows.map((r) => r.low[j]),
      marker: { color: LOW[j % LOW.length], pattern: { shape: '/', fgcolor: HIGH[j % HIGH.length], size: 6 } },
    },
  ]);
}

/** Which scoring run the Map and Anomalies views show (null: the newest), shared so both agree. */
export const investigation = $state<{ runId: number | null }>({ runId: null });

// Number and time text comes from the shared formatter, under the names these views use.
export { formatNumber as fmtNumber, formatTimeSeconds as fmtTime } from '../../../../shared/format.ts';

export function fmtDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export { SCATTER, VERDICT_COLOR, VERDICT_LABEL } from './plotStyle.ts';

/** The map overlay draws the highest-scoring points in view, at most this many, re-queried on every pan and zoom. */
export const OVERLAY_LIMIT = 50_000;

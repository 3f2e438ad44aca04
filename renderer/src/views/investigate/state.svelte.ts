/** Which scoring run the Map and Anomalies views show (null: the newest), shared so both agree. */
export const investigation = $state<{ runId: number | null }>({ runId: null });

// Number and time text comes from the shared formatter, under the names these views use.
export { formatNumber as fmtNumber, formatTimeSeconds as fmtTime, formatDuration as fmtDuration } from '../../../../shared/format.ts';

export { SCATTER, VERDICT_COLOR, VERDICT_LABEL } from './plotStyle.ts';

/** The map overlay draws the highest-scoring points in view, at most this many, re-queried on every pan and zoom. */
export const OVERLAY_LIMIT = 50_000;

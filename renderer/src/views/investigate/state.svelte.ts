/** Which scoring run the Map and Anomalies views show (null: the newest), shared so both agree. */
export const investigation = $state<{ runId: number | null }>({ runId: null });

// Number and time text comes from the shared formatter, under the names these views use.
export { formatNumber as fmtNumber, formatTimeSeconds as fmtTime } from '../../../../shared/format.ts';

export function fmtDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export const VERDICT_LABEL: Record<string, string> = { ban: 'Ban', false_positive: 'False positive', review: 'Needs review' };
export const VERDICT_COLOR: Record<string, string> = { ban: '#ff4d4f', false_positive: '#8b95a3', review: '#e0a43b' };

/**
 * Scatter layers draw with WebGL (plotly's strict bundle precompiles its shaders, so no eval is needed
 * under the app's CSP): the map overlay draws the highest-scoring points in view, at most
 * OVERLAY_LIMIT, re-queried on every pan and zoom.
 */
export const SCATTER = 'scattergl';
export const OVERLAY_LIMIT = 50_000;

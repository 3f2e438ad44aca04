/** Pure plotly traces and layout for the Map (no Svelte, no plotly: unit-testable). */

import { cellValue, numberValues } from '../../../../shared/api/columns.ts';
import type { Zone } from '../../../../shared/api/investigate.ts';
import type { DensityGrid, Overlay } from '../../../../shared/api/map.ts';
import { formatNumber as fmtNumber, formatTimeSeconds as fmtTime } from '../../../../shared/format.ts';
import { SCATTER, VERDICT_COLOR, VERDICT_LABEL } from '../investigate/plotStyle.ts';
import { zoneLabels, zoneShapes } from '../investigate/zones.ts';
import type { Box } from './viewport.ts';

/**
 * What a drag on the map does. Only 'edit' lets zones move; 'draw' drags out a new zone; 'select'
 * box-selects players and never touches a zone.
 */
export type MapMode = 'zoom' | 'pan' | 'select' | 'edit' | 'draw';

export const isEditing = (mode: MapMode) => mode === 'edit' || mode === 'draw';

/** The density grid as a log-scaled heatmap; empty bins stay transparent. */
export function heatTrace(grid: DensityGrid): Record<string, unknown> {
  const { nx, ny, counts } = grid;
  const z: (number | null)[][] = [];
  for (let j = 0; j < ny; j++) {
    const row: (number | null)[] = new Array(nx);
    for (let i = 0; i < nx; i++) {
      const c = counts[j * nx + i];
      row[i] = c > 0 ? Math.log10(c) : null;
    }
    z.push(row);
  }
  const max = Math.max(1, Math.log10(Math.max(1, ...counts)));
  const ticks = [0, 1, 2, 3, 4, 5, 6, 7].filter((t) => t <= max);
  return {
    type: 'heatmap',
    name: 'positions',
    z,
    x0: grid.x0 + grid.bw / 2,
    dx: grid.bw,
    y0: grid.y0 + grid.bh / 2,
    dy: grid.bh,
    zmin: 0,
    zmax: max,
    colorscale: [
      [0, '#0f2a3a'],
      [0.35, '#1d5c7a'],
      [0.7, '#4fa3c7'],
      [1, '#d7f0ff'],
    ],
    colorbar: {
      title: { text: 'rows', side: 'right' },
      tickvals: ticks,
      ticktext: ticks.map((t) => fmtNumber(10 ** t)),
      thickness: 10,
      len: 0.5,
      y: 0.25,
      x: 1.01,
    },
    hovertemplate: '%{x:.0f}, %{y:.0f}<br>10^%{z:.1f} rows<extra></extra>',
  };
}

/** The anomalous points, one trace per verdict: unjudged points coloured by score, judged ones in their verdict's colour. */
export function overlayTraces(overlay: Overlay): Record<string, unknown>[] {
  if (overlay.batch.rowCount === 0) return [];
  const b = overlay.batch;
  const col = (n: string) => b.columns.find((c) => c.name === n)!;
  const x = numberValues(col('x'));
  const y = numberValues(col('y'));
  const s = numberValues(col('score'));
  const pidx = numberValues(col('pidx'));
  const t = numberValues(col('t'));
  const verdictCol = col('verdict');
  const groups = new Map<string, number[]>();
  for (let i = 0; i < b.rowCount; i++) {
    const v = (cellValue(verdictCol, i) as string | null) ?? '';
    (groups.get(v) ?? groups.set(v, []).get(v)!).push(i);
  }
  return [...groups].map(([v, idx]) => ({
    type: SCATTER,
    mode: 'markers',
    name: v ? `${VERDICT_LABEL[v]} (${idx.length})` : `score ≥ ${fmtNumber(overlay.cutoffValue)} (${idx.length})`,
    x: idx.map((i) => x[i]),
    y: idx.map((i) => y[i]),
    customdata: idx.map((i) => [pidx[i], fmtTime(t[i]), v ? VERDICT_LABEL[v] : '—']),
    marker: v
      ? { size: 7, color: VERDICT_COLOR[v], symbol: v === 'ban' ? 'x' : 'diamond', line: { width: 0 } }
      : {
          size: 4,
          color: idx.map((i) => s[i]),
          colorscale: 'YlOrRd',
          reversescale: true,
          showscale: true,
          colorbar: { title: { text: 'score', side: 'right' }, thickness: 10, len: 0.45, y: 0.78, x: 1.01 },
        },
    hovertemplate: `pidx %{customdata[0]}<br>score %{${v ? 'text' : 'marker.color'}:.3f}<br>%{customdata[1]}<br>verdict %{customdata[2]}<extra></extra>`,
    ...(v ? { text: idx.map((i) => s[i]) } : {}),
  }));
}

export interface LayoutInput {
  mode: MapMode;
  view: Box | null;
  zones: readonly Zone[];
  /** Bumped whenever zones are (re)loaded: plotly then draws our shapes, not a position it kept from a drag. */
  zonesEpoch: number;
  /** The rare-places suggestions, hidden while zones are edited. */
  rareShapes: Record<string, unknown>[];
}

export function mapLayout({ mode, view, zones, zonesEpoch, rareShapes }: LayoutInput): Record<string, unknown> {
  return {
    margin: { l: 48, r: 70, t: 10, b: 36 },
    dragmode: mode === 'draw' ? 'drawrect' : mode === 'edit' ? 'pan' : mode,
    newshape: { line: { color: '#ff4d4f', width: 1.5 }, fillcolor: '#ff4d4f', opacity: 0.2 },
    editrevision: zonesEpoch,
    showlegend: true,
    legend: { x: 0, y: 1, bgcolor: '#181c22cc', font: { size: 11 } },
    xaxis: { range: view ? [view.x0, view.x1] : undefined, title: { text: 'posnewx' }, showgrid: false },
    yaxis: { range: view ? [view.y0, view.y1] : undefined, title: { text: 'posnewy' }, showgrid: false, scaleanchor: 'x' },
    shapes: [...zoneShapes(zones, mode === 'edit'), ...(isEditing(mode) ? [] : rareShapes)],
    annotations: zoneLabels(zones),
    uirevision: 'map',
  };
}

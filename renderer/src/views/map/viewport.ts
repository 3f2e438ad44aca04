/** The Map's viewport arithmetic and plotly's relayout events, read into what they mean (pure, unit-testable). */

import type { MapExtent, MapFilter } from '../../../../shared/api/map.ts';

export type Box = { x0: number; x1: number; y0: number; y1: number };

/** The whole extent with a 3% margin (at least one unit), so edge points are not cut in half. */
export function paddedView(e: MapExtent): Box {
  const px = Math.max(1, (e.x1 - e.x0) * 0.03);
  const py = Math.max(1, (e.y1 - e.y0) * 0.03);
  return { x0: e.x0 - px, x1: e.x1 + px, y0: e.y0 - py, y1: e.y1 + py };
}

/** Whether a viewport is the full padded extent (to rounding): its binning can be kept and shown again at once. */
export function isFullView(v: Box, extent: MapExtent | null): boolean {
  if (!extent) return false;
  const p = paddedView(extent);
  const tol = 1e-6 * Math.max(1, p.x1 - p.x0, p.y1 - p.y0);
  return Math.abs(v.x0 - p.x0) < tol && Math.abs(v.x1 - p.x1) < tol && Math.abs(v.y0 - p.y0) < tol && Math.abs(v.y1 - p.y1) < tol;
}

/** Whether a viewport shows all of the extent (or past it). */
export function coversExtent(v: Box, extent: MapExtent): boolean {
  return v.x0 <= extent.x0 && v.x1 >= extent.x1 && v.y0 <= extent.y0 && v.y1 >= extent.y1;
}

/** About 4 px per bin: fine enough to look continuous, coarse enough to draw fast. */
export function binsFor(width: number, height: number): { nx: number; ny: number } {
  return { nx: Math.max(20, Math.min(600, Math.round(width / 4))), ny: Math.max(20, Math.min(600, Math.round(height / 4))) };
}

/** The toolbar's filter fields (UTC datetime-local strings, class, level band, minimum score) as a request filter. */
export interface FilterFields {
  from: string;
  to: string;
  uclass: string;
  levelMin: string;
  levelMax: string;
  minScore: string;
}

/** Empty fields filter nothing; a minimum score needs a scoring run. */
export function mapFilter(f: FilterFields, hasRun: boolean): MapFilter {
  const out: MapFilter = {};
  if (f.from) out.from = Date.parse(f.from + 'Z');
  if (f.to) out.to = Date.parse(f.to + 'Z');
  if (f.uclass) out.uclass = f.uclass;
  if (f.levelMin !== '') out.levelMin = Number(f.levelMin);
  if (f.levelMax !== '') out.levelMax = Number(f.levelMax);
  if (f.minScore !== '' && hasRun) out.minScore = Number(f.minScore);
  return out;
}

/** What a plotly relayout event says happened, or null when it says nothing the map acts on. */
export type Relayout =
  /** The whole shapes array: a rectangle dragged out in draw mode is the last one past the zones (`drawn`, else null). */
  | { kind: 'shapes'; drawn: Box | null }
  /** A zone dragged or resized: the bounds it reports (the rest stay). */
  | { kind: 'moved'; index: number; bounds: Partial<Box> }
  /** Axes autoranged (a double-click or Reset axes). */
  | { kind: 'reset' }
  /** Zoomed or panned: the new ranges (a side not reported stays). */
  | { kind: 'range'; range: Partial<Box> }
  | null;

export function readRelayout(e: Record<string, unknown>, zoneCount: number): Relayout {
  if (Array.isArray(e.shapes)) {
    const drawn = (e.shapes as Box[]).slice(zoneCount);
    return { kind: 'shapes', drawn: drawn.length ? drawn[drawn.length - 1] : null };
  }
  // Dragged or resized zone: shapes[i].x0 … keys.
  const moved = Object.keys(e).filter((k) => /^shapes\[\d+\]\./.test(k));
  if (moved.length) {
    const index = Number(/^shapes\[(\d+)\]/.exec(moved[0])![1]);
    const bounds: Partial<Box> = {};
    for (const k of ['x0', 'x1', 'y0', 'y1'] as const) {
      const v = e[`shapes[${index}].${k}`];
      if (typeof v === 'number') bounds[k] = v;
    }
    return { kind: 'moved', index, bounds };
  }
  if (e['xaxis.autorange'] || e['yaxis.autorange']) return { kind: 'reset' };
  // Zooming reports range[0] and range[1]; a double-click's reset reports whole ranges.
  const xr = e['xaxis.range'] as [number, number] | undefined;
  const yr = e['yaxis.range'] as [number, number] | undefined;
  const x0 = (e['xaxis.range[0]'] ?? xr?.[0]) as number | undefined;
  const x1 = (e['xaxis.range[1]'] ?? xr?.[1]) as number | undefined;
  const y0 = (e['yaxis.range[0]'] ?? yr?.[0]) as number | undefined;
  const y1 = (e['yaxis.range[1]'] ?? yr?.[1]) as number | undefined;
  if (x0 === undefined && y0 === undefined) return null;
  return { kind: 'range', range: { x0, x1, y0, y1 } };
}

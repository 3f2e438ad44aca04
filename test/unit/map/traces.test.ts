import { describe, expect, it } from 'vitest';
import { textColumn, type Column } from '../../../shared/api/columns.ts';
import type { DensityGrid, Overlay } from '../../../shared/api/map.ts';
import { heatTrace, mapLayout, overlayTraces } from '../../../renderer/src/views/map/traces.ts';

type Point = { x: number; y: number; score: number; pidx: number; verdict: string | null };

const t = Date.UTC(2018, 9, 12, 5, 53, 59);

function overlay(rows: Point[], cutoffValue = 1.5): Overlay {
  const num = (name: string, value: (r: Point) => number): Column => ({ name, type: 'DOUBLE', kind: 'number', values: Float64Array.from(rows, value) });
  const columns = [num('x', (r) => r.x), num('y', (r) => r.y), num('score', (r) => r.score), num('pidx', (r) => r.pidx), num('t', () => t)];
  const verdicts = rows.map((r) => r.verdict);
  columns.push(textColumn('verdict', verdicts));
  return { batch: { rowCount: rows.length, columns }, total: rows.length, cutoffValue };
}

describe('map traces', () => {
  it('draws the density grid as log10 counts centred on the bins, empty bins transparent', () => {
    const grid: DensityGrid = { x0: 0, y0: 100, bw: 10, bh: 20, nx: 2, ny: 2, counts: Float64Array.from([0, 1, 100, 1000]), total: 1101, queryMs: 1 };
    const t = heatTrace(grid) as { z: (number | null)[][]; x0: number; y0: number; zmax: number; colorbar: { tickvals: number[]; ticktext: string[] } };
    expect(t.z).toEqual([
      [null, 0],
      [2, 3],
    ]);
    expect([t.x0, t.y0, t.zmax]).toEqual([5, 110, 3]);
    expect(t.colorbar.tickvals).toEqual([0, 1, 2, 3]);
    expect(t.colorbar.ticktext).toEqual(['1', '10', '100', '1,000']);
  });

  it('groups the anomalous points by verdict: unjudged by score, judged in their verdict colour', () => {
    const traces = overlayTraces(
      overlay([
        { x: 1, y: 2, score: 2.5, pidx: 7, verdict: null },
        { x: 3, y: 4, score: 3.25, pidx: 8, verdict: 'ban' },
        { x: 5, y: 6, score: 1.75, pidx: 9, verdict: null },
      ]),
    ) as { name: string; x: number[]; customdata: unknown[][]; marker: { color: unknown; symbol?: string }; text?: number[] }[];
    expect(traces.map((t) => t.name)).toEqual(['score ≥ 1.5 (2)', 'Ban (1)']);
    expect(traces[0].x).toEqual([1, 5]);
    expect(traces[0].marker.color).toEqual([2.5, 1.75]);
    expect(traces[0].customdata[0]).toEqual([7, expect.any(String), '—']);
    expect(traces[1].marker).toMatchObject({ color: '#ff4d4f', symbol: 'x' });
    expect(traces[1].text).toEqual([3.25]);
    expect(overlayTraces(overlay([]))).toEqual([]);
  });

  it('lays out the modes: draw drags a rectangle, edit pans with movable zones and hides the suggestions', () => {
    const zones = [{ id: 1, name: 'Red', x0: 0, x1: 10, y0: 0, y1: 10 }];
    const rareShapes = [{ type: 'rect' }];
    const view = { x0: 1, x1: 2, y0: 3, y1: 4 };
    const layout = (mode: 'zoom' | 'edit' | 'draw') =>
      mapLayout({ mode, view, zones, zonesEpoch: 3, rareShapes }) as { dragmode: string; shapes: { editable?: boolean }[]; editrevision: number };
    expect(layout('zoom').dragmode).toBe('zoom');
    expect(layout('zoom').shapes).toHaveLength(2);
    expect(layout('edit').dragmode).toBe('pan');
    expect(layout('edit').shapes.map((s) => s.editable)).toEqual([true]);
    expect(layout('draw').dragmode).toBe('drawrect');
    expect(layout('draw').shapes.map((s) => s.editable)).toEqual([false]);
    expect(layout('zoom').editrevision).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import type { MapExtent } from '../../../shared/api/map.ts';
import { binsFor, coversExtent, isFullView, mapFilter, paddedView, readRelayout } from '../../../renderer/src/views/map/viewport.ts';
import { nextZoneName } from '../../../renderer/src/views/investigate/zoneEdit.ts';

const extent: MapExtent = { x0: 0, x1: 1000, y0: 0, y1: 500, from: 0, to: 1, rows: 10, classes: [], levelMin: 1, levelMax: 60, decimals: 0 };

describe('map viewport', () => {
  it('pads the extent by 3% and knows the full view from a zoomed one', () => {
    const full = paddedView(extent);
    expect(full).toEqual({ x0: -30, x1: 1030, y0: -15, y1: 515 });
    expect(isFullView({ ...full, x1: full.x1 + 1e-9 }, extent)).toBe(true);
    expect(isFullView({ ...full, x1: 900 }, extent)).toBe(false);
    expect(isFullView(full, null)).toBe(false);
    expect(coversExtent(full, extent)).toBe(true);
    expect(coversExtent({ ...full, x1: 900 }, extent)).toBe(false);
  });

  it('bins about 4 px each, between 20 and 600', () => {
    expect(binsFor(900, 600)).toEqual({ nx: 225, ny: 150 });
    expect(binsFor(10, 10_000)).toEqual({ nx: 20, ny: 600 });
  });

  it('turns the filter fields into a request, a minimum score only with a run', () => {
    const fields = { from: '2018-10-12T05:00', to: '', uclass: 'mage', levelMin: '10', levelMax: '', minScore: '2' };
    expect(mapFilter(fields, true)).toEqual({ from: Date.UTC(2018, 9, 12, 5), uclass: 'mage', levelMin: 10, minScore: 2 });
    expect(mapFilter(fields, false)).not.toHaveProperty('minScore');
    expect(mapFilter({ from: '', to: '', uclass: '', levelMin: '', levelMax: '', minScore: '' }, true)).toEqual({});
  });

  it('reads relayout events: drawn rectangles, moved zones, resets and zooms', () => {
    const box = { x0: 1, x1: 2, y0: 3, y1: 4 };
    expect(readRelayout({ shapes: [box, { ...box, x1: 9 }] }, 1)).toEqual({ kind: 'shapes', drawn: { ...box, x1: 9 } });
    expect(readRelayout({ shapes: [box] }, 1)).toEqual({ kind: 'shapes', drawn: null });
    expect(readRelayout({ 'shapes[2].x0': 5, 'shapes[2].x1': 8 }, 3)).toEqual({ kind: 'moved', index: 2, bounds: { x0: 5, x1: 8 } });
    expect(readRelayout({ 'xaxis.autorange': true }, 0)).toEqual({ kind: 'reset' });
    expect(readRelayout({ 'xaxis.range[0]': 1, 'xaxis.range[1]': 2 }, 0)).toEqual({ kind: 'range', range: { x0: 1, x1: 2, y0: undefined, y1: undefined } });
    expect(readRelayout({ 'yaxis.range': [3, 4] }, 0)).toEqual({ kind: 'range', range: { x0: undefined, x1: undefined, y0: 3, y1: 4 } });
    expect(readRelayout({ dragmode: 'pan' }, 0)).toBeNull();
  });

  it('names a drawn zone after the count, skipping names taken', () => {
    expect(nextZoneName([])).toBe('Zone 1');
    expect(nextZoneName([{ id: 1, name: 'Zone 2', x0: 0, x1: 1, y0: 0, y1: 1 }])).toBe('Zone 3');
  });
});

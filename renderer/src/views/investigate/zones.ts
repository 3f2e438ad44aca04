import type { Zone } from '../../../../shared/api/investigate.ts';

/** Forbidden zones as plotly rectangles (translucent red) and their name labels. */
export function zoneShapes(zones: readonly Zone[], editable = false): Record<string, unknown>[] {
  return zones.map((z) => ({
    type: 'rect',
    xref: 'x',
    yref: 'y',
    x0: z.x0,
    x1: z.x1,
    y0: z.y0,
    y1: z.y1,
    fillcolor: '#ff4d4f',
    opacity: 0.16,
    line: { color: '#ff4d4f', width: 1.5 },
    editable,
  }));
}

export function zoneLabels(zones: readonly Zone[]): Record<string, unknown>[] {
  return zones.map((z) => ({ x: (z.x0 + z.x1) / 2, y: z.y1, text: z.name, showarrow: false, yanchor: 'bottom', font: { color: '#ff8a8a', size: 11 } }));
}

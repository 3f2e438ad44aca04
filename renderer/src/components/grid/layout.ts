/**
 * Column geometry for a grid virtualised in both directions: prefix sums of the widths, and the
 * columns that overlap a horizontal window (found by binary search, so 200 columns cost nothing).
 */
export interface ColumnLayout {
  /** lefts[i] is where column i starts; lefts[n] is the total width. */
  lefts: Float64Array;
  total: number;
}

export function columnLayout(widths: readonly number[]): ColumnLayout {
  const lefts = new Float64Array(widths.length + 1);
  for (let i = 0; i < widths.length; i++) lefts[i + 1] = lefts[i] + widths[i];
  return { lefts, total: lefts[widths.length] };
}

/** The first column whose right edge is past x (n when x is beyond the last one). */
export function columnAt(layout: ColumnLayout, x: number): number {
  const n = layout.lefts.length - 1;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout.lefts[mid + 1] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Columns [from, to) overlapping [x, x + width), widened by `overscan` columns each side. */
export function visibleColumns(layout: ColumnLayout, x: number, width: number, overscan = 1): { from: number; to: number } {
  const n = layout.lefts.length - 1;
  if (n === 0) return { from: 0, to: 0 };
  const from = Math.max(0, columnAt(layout, x) - overscan);
  const to = Math.min(n, columnAt(layout, x + Math.max(0, width)) + 1 + overscan);
  return { from, to };
}

/** A rectangle of cells, inclusive, whatever corner the drag started from. */
export interface CellRange {
  row0: number;
  col0: number;
  row1: number;
  col1: number;
}

export function normalizeRange(a: { row: number; col: number }, b: { row: number; col: number }): CellRange {
  return { row0: Math.min(a.row, b.row), row1: Math.max(a.row, b.row), col0: Math.min(a.col, b.col), col1: Math.max(a.col, b.col) };
}

export function inRange(r: CellRange | null, row: number, col: number): boolean {
  return r !== null && row >= r.row0 && row <= r.row1 && col >= r.col0 && col <= r.col1;
}

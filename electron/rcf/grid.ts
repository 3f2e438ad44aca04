import type { Forest } from './forest.ts';

/**
 * Shortcut into the trees for low-dimensional data: a G×G grid over the first two dimensions (G cells for
 * 1-D) of the forest's bounding box. For each tree and cell, `start` is the deepest node whose cuts all send
 * the whole cell the same way, so a point in that cell can begin its descent there (the top levels of a
 * 2-D tree are skipped) and gets exactly the same leaf. Points outside the box are clamped to the edge
 * cells, which is exact too: every cut lies inside the box, so an edge cell and the points beyond it fall
 * on the same side of every cut that does not split the cell.
 */
export interface Grid {
  /** Cells per tree. */
  cells: number;
  /** start[t·cells + c] and its depth below the root. */
  start: Int32Array;
  depth: Int32Array;
  lo: Float64Array;
  scale: Float64Array;
  side: number;
  gridDims: number;
}

const SIDE_2D = 64;
const SIDE_1D = 4096;

export function buildGrid(forest: Forest): Grid {
  const { dims, nodes, roots, numTrees } = forest;
  const gridDims = Math.min(2, dims);
  const side = gridDims === 2 ? SIDE_2D : SIDE_1D;
  const cells = side ** gridDims;
  const lo = new Float64Array(gridDims).fill(Infinity);
  const hi = new Float64Array(gridDims).fill(-Infinity);
  for (const root of roots) {
    for (let j = 0; j < gridDims; j++) {
      lo[j] = Math.min(lo[j], nodes.box[root * 2 * dims + 2 * j]);
      hi[j] = Math.max(hi[j], nodes.box[root * 2 * dims + 2 * j + 1]);
    }
  }
  const scale = Float64Array.from(lo, (l, j) => (hi[j] > l ? side / (hi[j] - l) : 0));
  const start = new Int32Array(numTrees * cells);
  const depth = new Int32Array(numTrees * cells);
  const cellLo = new Float64Array(gridDims);
  const cellHi = new Float64Array(gridDims);
  for (let c = 0; c < cells; c++) {
    for (let j = 0, rest = c; j < gridDims; j++, rest = Math.floor(rest / side)) {
      const k = rest % side;
      // Edge cells reach to ±∞: points beyond the box are clamped into them. Inner cells are widened by 1%
      // of a cell so rounding in cellsOf can never put a point in a cell whose start it would not reach.
      cellLo[j] = k === 0 || scale[j] === 0 ? -Infinity : lo[j] + (k - 0.01) / scale[j];
      cellHi[j] = k === side - 1 || scale[j] === 0 ? Infinity : lo[j] + (k + 1.01) / scale[j];
    }
    for (let t = 0; t < numTrees; t++) {
      let node = roots[t];
      let d = 0;
      for (;;) {
        const dim = nodes.cutDim[node];
        if (dim < 0 || dim >= gridDims) break;
        const cut = nodes.cutValue[node];
        // The whole cell goes left if its top is ≤ the cut, right if its bottom is above it.
        if (cellHi[dim] <= cut) node = nodes.left[node];
        else if (cellLo[dim] > cut) node = nodes.right[node];
        else break;
        d++;
      }
      start[t * cells + c] = node;
      depth[t * cells + c] = d;
    }
  }
  return { cells, start, depth, lo, scale, side, gridDims };
}

/** The grid cell of each row in [from, to), written to out[0 ..). */
export function cellsOf(g: Grid, pts: Float64Array, dims: number, from: number, to: number, out: Int32Array): void {
  const { lo, scale, side, gridDims } = g;
  for (let i = from; i < to; i++) {
    let c = 0;
    for (let j = gridDims - 1; j >= 0; j--) {
      let k = Math.floor((pts[i * dims + j] - lo[j]) * scale[j]);
      k = k < 0 ? 0 : k >= side ? side - 1 : k;
      c = c * side + k;
    }
    out[i - from] = c;
  }
}

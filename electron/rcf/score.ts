import type { NodeArrays } from './nodes.ts';

/**
 * Per-tree scoring kernels (Guha et al. 2016, scored as AWS randomcutforest 4.x does). For q in a tree of
 * mass M, with the root at depth 0:
 *  - at the leaf q falls into (depth d, mass m): s = (1 − m/2M) / (d + log2(m+1)) if the leaf is q,
 *    else s = 1/(d+1);
 *  - up the path, at an internal node at depth d: p = growth of the box's ranges to include q / the
 *    extended box's range sum; p = 0 means q is inside this box and every ancestor, so the walk stops;
 *    else s = p/(d+1) + (1 − p)·s;
 *  - the tree's score is s · log2(M+1).
 * The kernels add the tree's score to out[i] for points i in [from, to), so a forest can call them tree by
 * tree over a block of points while that tree's arrays stay in cache.
 *
 * Divisions by depth + 1 come from a table in the scratch space (they sit on the walk's dependency chain).
 */
export interface Scratch {
  /** Grid cell of each point of the current block (see grid.ts). */
  cells: Int32Array;
  /** inv[d] = 1/(d+1); needs the tree's depth + 1 entries (its mass is always enough). */
  inv: Float64Array;
  /** 2·dims values for attribution. */
  acc: Float64Array;
}

export function makeScratch(maxMass: number, dims: number, blockSize = 0): Scratch {
  const inv = new Float64Array(maxMass + 1);
  for (let d = 0; d < inv.length; d++) inv[d] = 1 / (d + 1);
  return { cells: new Int32Array(blockSize), inv, acc: new Float64Array(2 * dims) };
}

export function scoreTree(
  nodes: NodeArrays,
  root: number,
  pts: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
  scratch: Scratch,
  start?: Int32Array,
  startDepth?: Int32Array,
): void {
  if (root < 0) return;
  const { inv, cells } = scratch;
  const { dims, left, right, parent, cutDim, cutValue, mass, box, rangeSum } = nodes;
  const stride = 2 * dims;
  const treeMass = mass[root];
  const norm = Math.log2(treeMass + 1);
  const twoM = 2 * treeMass;
  for (let i = from; i < to; i++) {
    const q = i * dims;
    let node = root;
    let depth = 0;
    if (start && startDepth) {
      const c = cells[i - from];
      node = start[c];
      depth = startDepth[c];
    }
    let d = cutDim[node];
    // Nothing is recorded on the way down: most points climb only a few levels back up, via parent links.
    while (d >= 0) {
      depth++;
      node = pts[q + d] <= cutValue[node] ? left[node] : right[node];
      d = cutDim[node];
    }
    const lb = node * stride;
    let same = true;
    for (let j = 0; j < dims; j++) {
      if (pts[q + j] !== box[lb + 2 * j]) {
        same = false;
        break;
      }
    }
    let s: number;
    if (same) {
      // q is in the sample: it lies inside every ancestor's box, so nothing changes on the way up.
      const m = mass[node];
      s = (1 - m / twoM) / (depth + Math.log2(m + 1));
    } else {
      s = inv[depth];
      let n = node;
      for (let k = depth - 1; k >= 0; k--) {
        n = parent[n];
        const b = n * stride;
        let grow = 0;
        for (let j = 0; j < dims; j++) {
          const v = pts[q + j];
          const lo = box[b + 2 * j];
          if (v < lo) grow += lo - v;
          else {
            const hi = box[b + 2 * j + 1];
            if (v > hi) grow += v - hi;
          }
        }
        if (grow === 0) break;
        const p = grow / (rangeSum[n] + grow);
        s = p * inv[k] + (1 - p) * s;
      }
    }
    out[i] += s * norm;
  }
}

/**
 * Attribution (AWS RANDOM_CUT_FOREST_WITH_EXPLANATION): the same recursion as scoreTree, but each step's
 * new term is split over dimensions by their share of the range growth, separately for q above the box
 * ("high") and below it ("low"). A duplicate leaf's score is split evenly. The parts sum to the score.
 * Adds into out[i·2·dims + 2j] (high) and out[i·2·dims + 2j + 1] (low).
 */
export function attributeTree(
  nodes: NodeArrays,
  root: number,
  pts: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
  scratch: Scratch,
  start?: Int32Array,
  startDepth?: Int32Array,
): void {
  if (root < 0) return;
  const { inv, acc, cells } = scratch;
  const { dims, left, right, parent, cutDim, cutValue, mass, box, rangeSum } = nodes;
  const stride = 2 * dims;
  const treeMass = mass[root];
  const norm = Math.log2(treeMass + 1);
  for (let i = from; i < to; i++) {
    const q = i * dims;
    let node = root;
    let depth = 0;
    if (start && startDepth) {
      const c = cells[i - from];
      node = start[c];
      depth = startDepth[c];
    }
    while (cutDim[node] >= 0) {
      depth++;
      node = pts[q + cutDim[node]] <= cutValue[node] ? left[node] : right[node];
    }
    // The leaf is a box of one point: its "growth" is q's distance to it, so the leaf step is the same
    // update as an internal node with p = 1, unless q is the leaf's point.
    let top = depth;
    if (growth(pts, q, box, node * stride, dims, acc) === 0) {
      const m = mass[node];
      const s = (1 - m / (2 * treeMass)) / (depth + Math.log2(m + 1));
      acc.fill(s / stride);
      top = 0;
    } else {
      const total = sumParts(acc);
      const s = inv[depth];
      for (let x = 0; x < stride; x++) acc[x] = (acc[x] / total) * s;
    }
    let n = node;
    for (let k = top - 1; k >= 0; k--) {
      n = parent[n];
      const b = n * stride;
      let grow = 0;
      for (let j = 0; j < dims; j++) {
        const v = pts[q + j];
        grow += Math.max(0, v - box[b + 2 * j + 1]) + Math.max(0, box[b + 2 * j] - v);
      }
      if (grow === 0) break;
      const denom = rangeSum[n] + grow;
      const keep = 1 - grow / denom;
      const fresh = inv[k] / denom;
      for (let j = 0; j < dims; j++) {
        const v = pts[q + j];
        acc[2 * j] = Math.max(0, v - box[b + 2 * j + 1]) * fresh + keep * acc[2 * j];
        acc[2 * j + 1] = Math.max(0, box[b + 2 * j] - v) * fresh + keep * acc[2 * j + 1];
      }
    }
    const o = i * stride;
    for (let x = 0; x < stride; x++) out[o + x] += acc[x] * norm;
  }
}

/** Writes q's per-dimension growth beyond the box (high, low pairs) to parts; returns their sum. */
function growth(pts: Float64Array, q: number, box: Float64Array, b: number, dims: number, parts: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < dims; j++) {
    const v = pts[q + j];
    const hi = Math.max(0, v - box[b + 2 * j + 1]);
    const lo = Math.max(0, box[b + 2 * j] - v);
    parts[2 * j] = hi;
    parts[2 * j + 1] = lo;
    sum += hi + lo;
  }
  return sum;
}

function sumParts(parts: Float64Array): number {
  let s = 0;
  for (let x = 0; x < parts.length; x++) s += parts[x];
  return s;
}

/**
 * Flat node storage shared by batch and streaming trees: one typed array per field, indexed by node id,
 * so a tree is a handful of contiguous arrays (no object per node) that can be sent to a worker or
 * written to bytes as they are.
 *
 * Boxes are Float64: the reference implementation compares points exactly at leaves and the cut values are
 * uniform in a side, so float32 boxes would merge distinct points and shift scores; at S=256 a 2-D tree's
 * boxes are 16 KB either way, which stays in cache.
 */
export interface NodeArrays {
  dims: number;
  /** Child ids; -1 at a leaf. */
  left: Int32Array;
  right: Int32Array;
  /** Parent id; -1 at a root. Scoring walks up through it instead of recording the path on the way down. */
  parent: Int32Array;
  /** Split dimension; -1 marks a leaf. Points with x[cutDim] <= cutValue go left. */
  cutDim: Int32Array;
  cutValue: Float64Array;
  /** Number of sample points under the node (a leaf's duplicates count). */
  mass: Int32Array;
  /** Bounding box, stride 2·dims: min0, max0, min1, max1, … A leaf's box is its point (min = max). */
  box: Float64Array;
  /** Sum of the box's side lengths, kept so scoring needs one pass over the dims per node. */
  rangeSum: Float64Array;
}

export function allocNodes(capacity: number, dims: number): NodeArrays {
  return {
    dims,
    left: new Int32Array(capacity),
    right: new Int32Array(capacity),
    parent: new Int32Array(capacity),
    cutDim: new Int32Array(capacity),
    cutValue: new Float64Array(capacity),
    mass: new Int32Array(capacity),
    box: new Float64Array(capacity * 2 * dims),
    rangeSum: new Float64Array(capacity),
  };
}

/** Copies the first `count` nodes into right-sized arrays. */
export function trimNodes(n: NodeArrays, count: number): NodeArrays {
  return {
    dims: n.dims,
    left: n.left.slice(0, count),
    right: n.right.slice(0, count),
    parent: n.parent.slice(0, count),
    cutDim: n.cutDim.slice(0, count),
    cutValue: n.cutValue.slice(0, count),
    mass: n.mass.slice(0, count),
    box: n.box.slice(0, count * 2 * n.dims),
    rangeSum: n.rangeSum.slice(0, count),
  };
}

/**
 * Picks a random cut of a box: dimension j with probability range_j / rangeSum, value uniform in
 * [min_j, max_j). `u` is uniform in [0, 1). Writes the value to out[0] and returns the dimension.
 * The value is kept strictly below max so both sides of a cut of a point set are non-empty.
 */
export function randomCut(box: Float64Array, off: number, dims: number, rangeSum: number, u: number, out: Float64Array): number {
  let r = u * rangeSum;
  let dim = -1;
  for (let j = 0; j < dims; j++) {
    const range = box[off + 2 * j + 1] - box[off + 2 * j];
    if (range > 0) {
      dim = j;
      if (r < range) break;
      r -= range;
    }
  }
  const lo = box[off + 2 * dim];
  let value = lo + r;
  // Rounding (or r left over after the last dimension) can reach the max; fall back to the min.
  if (!(value < box[off + 2 * dim + 1])) value = lo;
  out[0] = value;
  return dim;
}

/** Sets a leaf holding `mass` copies of the point at pts[at .. at+dims). */
export function setLeaf(n: NodeArrays, node: number, pts: ArrayLike<number>, at: number, mass: number): void {
  const { dims, box } = n;
  n.left[node] = -1;
  n.right[node] = -1;
  n.cutDim[node] = -1;
  n.cutValue[node] = 0;
  n.mass[node] = mass;
  n.rangeSum[node] = 0;
  const b = node * 2 * dims;
  for (let j = 0; j < dims; j++) {
    const v = pts[at + j] + 0; // + 0 turns -0 into 0, so equal points have one representation
    box[b + 2 * j] = v;
    box[b + 2 * j + 1] = v;
  }
}

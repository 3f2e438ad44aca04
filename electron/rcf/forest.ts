import { dedupeRows, scatter } from './dedupe.ts';
import { RcfInputError } from './errors.ts';
import { allocNodes, randomCut, setLeaf, trimNodes, type NodeArrays } from './nodes.ts';
import { buildGrid, cellsOf, type Grid } from './grid.ts';
import { gatherRows, zOrder } from './order.ts';
import { Rng } from './random.ts';
import { attributeTree, makeScratch, scoreTree } from './score.ts';
import { checkInt, checkPoints } from './validate.ts';

/** Batch hyperparameters, named after SageMaker's num_trees / num_samples_per_tree. */
export interface ForestParams {
  /** SageMaker num_trees; default 100. */
  numTrees?: number;
  /** SageMaker num_samples_per_tree; default 256. */
  samplesPerTree?: number;
  /** Same seed, same data → same forest, bit for bit, whichever worker builds it. Default 0. */
  seed?: number;
}

export interface Forest {
  dims: number;
  numTrees: number;
  samplesPerTree: number;
  seed: number;
  /** Root node id of each tree; all trees share the node arrays. */
  roots: Int32Array;
  nodes: NodeArrays;
}

export function resolveForestParams(p: ForestParams = {}): Required<ForestParams> {
  return {
    numTrees: checkInt(p.numTrees ?? 100, 'numTrees (num_trees)', 1, 1000),
    samplesPerTree: checkInt(p.samplesPerTree ?? 256, 'samplesPerTree (num_samples_per_tree)', 1, 2048),
    seed: checkInt(p.seed ?? 0, 'seed', 0),
  };
}

// Each tree draws from two independent streams, so sampling (next to the data) and building (maybe in a
// worker) can happen apart and still give the same tree.
const sampleStream = (t: number) => 2 * t;
const cutStream = (t: number) => 2 * t + 1;

/**
 * SageMaker batch sampling: each tree gets min(S, n) rows drawn uniformly without replacement (Floyd's
 * algorithm: O(S) per tree whatever n is). Returns numTrees blocks of that many rows, row-major.
 */
export function drawSamples(points: Float64Array, dims: number, params: ForestParams = {}): Float64Array {
  const { numTrees, samplesPerTree, seed } = resolveForestParams(params);
  const n = checkPoints(points, dims);
  if (n === 0) throw new RcfInputError('cannot train a forest on zero rows');
  const m = Math.min(samplesPerTree, n);
  const out = new Float64Array(numTrees * m * dims);
  const chosen = new Set<number>();
  for (let t = 0; t < numTrees; t++) {
    const rng = new Rng(seed, sampleStream(t));
    chosen.clear();
    for (let j = n - m; j < n; j++) {
      const r = rng.int(j + 1);
      chosen.add(chosen.has(r) ? j : r);
    }
    let o = t * m * dims;
    for (const row of chosen) {
      out.set(points.subarray(row * dims, row * dims + dims), o);
      o += dims;
    }
  }
  return out;
}

/** Builds one tree per block of `samples` (as drawSamples returns them) top-down. */
export function buildForest(samples: Float64Array, dims: number, params: ForestParams = {}): Forest {
  const resolved = resolveForestParams(params);
  const { numTrees } = resolved;
  const m = samples.length / (numTrees * dims);
  if (!Number.isInteger(m) || m < 1) throw new RcfInputError(`samples do not split into ${numTrees} trees of ${dims}-D rows`);
  checkPoints(samples, dims);
  const nodes = allocNodes(numTrees * (2 * m - 1), dims);
  const roots = new Int32Array(numTrees);
  const builder = new TreeBuilder(nodes, m);
  for (let t = 0; t < numTrees; t++) {
    roots[t] = builder.next;
    builder.build(samples.subarray(t * m * dims, (t + 1) * m * dims), new Rng(resolved.seed, cutStream(t)));
  }
  return { ...resolved, dims, roots, nodes: trimNodes(nodes, builder.next) };
}

/** Validates, samples and builds: the whole batch training step. */
export function trainForest(points: Float64Array, dims: number, params: ForestParams = {}): Forest {
  return buildForest(drawSamples(points, dims, params), dims, params);
}

/**
 * Top-down build over one tree's sample. Nodes are laid out in preorder (a node's left child is the next
 * node), so a descent mostly walks forward through memory.
 */
class TreeBuilder {
  next = 0;
  private perm: Int32Array;
  private cut = new Float64Array(1);
  private pts!: Float64Array;
  private rng!: Rng;

  constructor(
    private nodes: NodeArrays,
    maxPoints: number,
  ) {
    this.perm = new Int32Array(maxPoints);
  }

  build(pts: Float64Array, rng: Rng): void {
    this.pts = pts;
    this.rng = rng;
    const count = pts.length / this.nodes.dims;
    for (let i = 0; i < count; i++) this.perm[i] = i;
    this.nodes.parent[this.node(0, count)] = -1;
  }

  private node(lo: number, hi: number): number {
    const { nodes, perm, pts } = this;
    const { dims, box } = nodes;
    const id = this.next++;
    const b = id * 2 * dims;
    let rangeSum = 0;
    for (let j = 0; j < dims; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let k = lo; k < hi; k++) {
        const v = pts[perm[k] * dims + j];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      box[b + 2 * j] = min;
      box[b + 2 * j + 1] = max;
      rangeSum += max - min;
    }
    if (rangeSum === 0) {
      // Every point here is the same: one leaf whose mass counts the duplicates.
      setLeaf(nodes, id, pts, perm[lo] * dims, hi - lo);
      return id;
    }
    const dim = randomCut(box, b, dims, rangeSum, this.rng.next(), this.cut);
    const value = this.cut[0];
    // Partition perm[lo..hi) so rows with x[dim] <= value come first.
    let mid = lo;
    for (let k = lo; k < hi; k++) {
      const r = perm[k];
      if (pts[r * dims + dim] <= value) {
        perm[k] = perm[mid];
        perm[mid++] = r;
      }
    }
    nodes.cutDim[id] = dim;
    nodes.cutValue[id] = value;
    nodes.mass[id] = hi - lo;
    nodes.rangeSum[id] = rangeSum;
    const left = this.node(lo, mid);
    const right = this.node(mid, hi);
    nodes.left[id] = left;
    nodes.right[id] = right;
    nodes.parent[left] = id;
    nodes.parent[right] = id;
    return id;
  }
}

/** Points per block: a block's points (32 KB in 2-D) and one tree's arrays stay in cache together. */
const BLOCK = 2048;

/** Below this many rows, Z-ordering them and building a grid cost more than they save. */
const ORDER_MIN_ROWS = 4 * BLOCK;

/**
 * Runs a per-tree kernel over every row, tree-major within blocks of rows, on the rows in Z-order (see
 * order.ts), each descent starting at its grid cell's node (see grid.ts). Returns the per-row sums over
 * trees divided by the number of trees, `width` values per row, in input order.
 */
function forEachTree(forest: Forest, points: Float64Array, width: number, kernel: typeof scoreTree): Float64Array {
  const n = checkPoints(points, forest.dims);
  const { dims, nodes, roots, numTrees } = forest;
  const perm = n >= ORDER_MIN_ROWS ? zOrder(points, dims) : null;
  const rows = perm ? gatherRows(points, dims, perm) : points;
  const sums = new Float64Array(n * width);
  const scratch = makeScratch(forest.samplesPerTree, dims, BLOCK);
  const grid = n >= ORDER_MIN_ROWS ? gridOf(forest) : null;
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK);
    if (!grid) {
      for (let t = 0; t < numTrees; t++) kernel(nodes, roots[t], rows, from, to, sums, scratch);
      continue;
    }
    cellsOf(grid, rows, dims, from, to, scratch.cells);
    for (let t = 0; t < numTrees; t++) {
      const at = t * grid.cells;
      kernel(nodes, roots[t], rows, from, to, sums, scratch, grid.start.subarray(at, at + grid.cells), grid.depth.subarray(at, at + grid.cells));
    }
  }
  for (let x = 0; x < sums.length; x++) sums[x] /= numTrees;
  if (!perm) return sums;
  const out = new Float64Array(n * width);
  for (let i = 0; i < n; i++) {
    for (let x = 0; x < width; x++) out[perm[i] * width + x] = sums[i * width + x];
  }
  return out;
}

/** Grids are derived data, built once per forest (a worker scores many chunks with one forest). */
const grids = new WeakMap<Forest, Grid>();

function gridOf(forest: Forest): Grid {
  let grid = grids.get(forest);
  if (!grid) grids.set(forest, (grid = buildGrid(forest)));
  return grid;
}

/** Scores every row (no de-duplication): the mean over trees of each tree's score. */
export function scorePoints(forest: Forest, points: Float64Array): Float64Array {
  return forEachTree(forest, points, 1, scoreTree);
}

/**
 * Per-dimension attribution of every row: n × 2·dims values, (high, low) for each dimension in turn,
 * summing to the row's score.
 */
export function attributePoints(forest: Forest, points: Float64Array): Float64Array {
  return forEachTree(forest, points, 2 * forest.dims, attributeTree);
}

/** Scores rows, scoring each distinct row once. */
export function scoreForest(forest: Forest, points: Float64Array): Float64Array {
  checkPoints(points, forest.dims);
  const d = dedupeRows(points, forest.dims);
  return scatter(scorePoints(forest, d.unique), d.rowToUnique);
}

/** Attribution of rows, each distinct row computed once. */
export function attributeForest(forest: Forest, points: Float64Array): Float64Array {
  checkPoints(points, forest.dims);
  const d = dedupeRows(points, forest.dims);
  return scatter(attributePoints(forest, d.unique), d.rowToUnique, 2 * forest.dims);
}

/** Sums each row's attribution parts into its score. */
export function attributionScores(attribution: Float64Array, dims: number): Float64Array {
  const width = 2 * dims;
  const out = new Float64Array(attribution.length / width);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let x = 0; x < width; x++) s += attribution[i * width + x];
    out[i] = s;
  }
  return out;
}

import { RcfInputError } from './errors.ts';
import { attributionScores } from './forest.ts';
import { DynamicTree, type DynamicTreeState } from './dynamicTree.ts';
import { Rng } from './random.ts';
import { ReservoirSampler, type SamplerState } from './sampler.ts';
import { attributeTree, makeScratch, scoreTree, type Scratch } from './score.ts';
import { Shingler, type ShinglerState } from './shingle.ts';
import { checkInt, checkNumber, checkPoints } from './validate.ts';
import { nearestLeaf } from './impute.ts';

/** Streaming hyperparameters, named after Kinesis RANDOM_CUT_FOREST's. */
export interface StreamingParams {
  /** numberOfTrees; default 100. */
  numTrees?: number;
  /** subSampleSize; default 256. */
  samplesPerTree?: number;
  /** timeDecay λ: a point's sampling weight grows as exp(λ·t). Default 1/(10·samplesPerTree), as AWS. */
  timeDecay?: number;
  /** shingleSize; default 1 (no shingling). */
  shingleSize?: number;
  /** Input rows seen before scores are output (0 is returned until then). Default samplesPerTree/4. */
  outputAfter?: number;
  seed?: number;
}

export function resolveStreamingParams(p: StreamingParams = {}): Required<StreamingParams> {
  const samplesPerTree = checkInt(p.samplesPerTree ?? 256, 'samplesPerTree (subSampleSize)', 1, 1 << 16);
  return {
    numTrees: checkInt(p.numTrees ?? 100, 'numTrees (numberOfTrees)', 1, 1000),
    samplesPerTree,
    timeDecay: checkNumber(p.timeDecay ?? 1 / (10 * samplesPerTree), 'timeDecay', 0, 1),
    shingleSize: checkInt(p.shingleSize ?? 1, 'shingleSize', 1, 1 << 16),
    outputAfter: checkInt(p.outputAfter ?? Math.floor(samplesPerTree / 4), 'outputAfter', 0),
    seed: checkInt(p.seed ?? 0, 'seed', 0),
  };
}

/**
 * Everything a StreamingTree carries from one offer to the next: the tree (node arrays, root, free list),
 * its reservoir (heap of weights and slots, size, the sampled points) and its random stream.
 */
export interface StreamingTreeState extends DynamicTreeState, SamplerState {
  /** The sampled points by slot. */
  stored: Float64Array;
  rng: Uint32Array;
}

/** A StreamingForest's whole state between rows: what serializeStreamingForest writes. */
export interface StreamingForestState {
  inputDims: number;
  params: Required<StreamingParams>;
  /** The slice of the forest's trees this instance owns. */
  trees: { from: number; to: number };
  /** Rows pushed so far (scores start at outputAfter). */
  seen: number;
  shingler: ShinglerState;
  treeStates: StreamingTreeState[];
}

/**
 * A forest that learns as it scores: each row is scored, then offered to every tree's sampler. Trees are
 * independent, so a forest can own a slice of the trees (`trees`) and several slices run in parallel
 * give the same sums as one forest. Tree t always uses random stream t of the seed.
 */
export class StreamingForest {
  readonly params: Required<StreamingParams>;
  private trees: StreamingTree[] = [];
  private shingler: Shingler;
  private point: Float64Array;
  private scratch: Scratch;
  private one = new Float64Array(1);
  private seen = 0;
  private range: { from: number; to: number };

  constructor(
    readonly inputDims: number,
    params: StreamingParams = {},
    trees?: { from: number; to: number },
  ) {
    checkInt(inputDims, 'dims', 1);
    this.params = resolveStreamingParams(params);
    const { numTrees, samplesPerTree, shingleSize, timeDecay, seed } = this.params;
    const dims = inputDims * shingleSize;
    const from = trees?.from ?? 0;
    const to = trees?.to ?? numTrees;
    checkInt(from, 'first tree', 0, numTrees);
    checkInt(to, 'last tree', from, numTrees);
    this.range = { from, to };
    for (let t = from; t < to; t++) this.trees.push(new StreamingTree(dims, samplesPerTree, timeDecay, new Rng(seed, t)));
    this.shingler = new Shingler(inputDims, shingleSize);
    this.point = new Float64Array(dims);
    this.scratch = makeScratch(samplesPerTree, dims);
  }

  /**
   * The forest's live state (its arrays, not copies): process more rows and it changes. Serialise it
   * (serializeStreamingForest) to keep the forest and go on later with restore.
   */
  get state(): StreamingForestState {
    return {
      inputDims: this.inputDims,
      params: { ...this.params },
      trees: { ...this.range },
      seen: this.seen,
      shingler: this.shingler.state,
      treeStates: this.trees.map((t) => t.state),
    };
  }

  /** A forest that goes on exactly where the one whose state this is stopped (it takes over the arrays). */
  static restore(state: StreamingForestState): StreamingForest {
    const { from, to } = state.trees;
    const forest = new StreamingForest(state.inputDims, state.params, { from, to: from });
    checkInt(to, 'last tree', from, forest.params.numTrees);
    if (state.treeStates.length !== to - from) throw new RcfInputError(`the state has ${state.treeStates.length} trees for trees ${from}..${to}`);
    forest.range = { from, to };
    forest.seen = checkInt(state.seen, 'rows seen', 0);
    forest.shingler = Shingler.restore(state.inputDims, forest.params.shingleSize, state.shingler);
    const { samplesPerTree, timeDecay } = forest.params;
    for (const t of state.treeStates) forest.trees.push(new StreamingTree(forest.dims, samplesPerTree, timeDecay, Rng.fromState(t.rng), t));
    return forest;
  }

  /** Rows pushed so far. */
  get rowsSeen(): number {
    return this.seen;
  }

  /** Whether the next row will get a score. */
  get ready(): boolean {
    return this.shingler.full && this.seen >= this.params.outputAfter;
  }

  /** Values in one point: inputDims · shingleSize (a shingle's rows, oldest first). */
  get dims(): number {
    return this.point.length;
  }

  /**
   * Score-then-update over rows (inputDims values each). Writes each row's sum of tree scores over this
   * forest's trees to sums[i] (0 until ready). `onScore(i, sum)` is called for each scored row before the
   * trees learn it, so it may look at that point (attributeCurrent, imputeCurrent).
   */
  processSums(rows: Float64Array, sums?: Float64Array, onScore?: (i: number, sum: number) => void): Float64Array {
    const n = checkPoints(rows, this.inputDims);
    const out = sums ?? new Float64Array(n);
    if (out.length < n) throw new RcfInputError(`the sums array holds ${out.length} values, not ${n}`);
    out.fill(0, 0, n);
    const { point, one, scratch, trees } = this;
    this.run(rows, n, (i) => {
      let sum = 0;
      for (const { tree } of trees) {
        one[0] = 0;
        scoreTree(tree.nodes, tree.root, point, 0, 1, one, scratch);
        sum += one[0];
      }
      out[i] = sum;
      onScore?.(i, sum);
    });
    return out;
  }

  /** The point being scored (valid inside processSums's onScore): the shingle, oldest row first. */
  get current(): Float64Array {
    return this.point;
  }

  /** Inside onScore: the current point's attribution summed over this forest's trees (2·dims values, as processAttributionSums). */
  attributeCurrent(out: Float64Array): Float64Array {
    out.fill(0);
    for (const { tree } of this.trees) attributeTree(tree.nodes, tree.root, this.point, 0, 1, out, this.scratch);
    return out;
  }

  /**
   * Inside onScore: what the trees expect in the `missing` dimensions given the point's others (AWS's
   * imputation): each tree's nearest sampled point ignoring those dimensions, the median over trees.
   */
  imputeCurrent(missing: Uint8Array): Float64Array {
    const out = Float64Array.from(this.point);
    const leaves: number[] = [];
    const boxes: Float64Array[] = [];
    for (const { tree } of this.trees) {
      const leaf = nearestLeaf(tree.nodes, tree.root, this.point, missing);
      if (leaf < 0) continue;
      leaves.push(leaf);
      boxes.push(tree.nodes.box);
    }
    if (!leaves.length) return out;
    const column = new Float64Array(leaves.length);
    const stride = 2 * this.dims;
    for (let j = 0; j < this.dims; j++) {
      if (!missing[j]) continue;
      for (let t = 0; t < leaves.length; t++) column[t] = boxes[t][leaves[t] * stride + 2 * j];
      column.sort();
      out[j] = column[column.length >> 1];
    }
    return out;
  }

  /** Score-then-update over rows; each row's score is the mean over all the forest's trees. */
  process(rows: Float64Array): Float64Array {
    const out = this.processSums(rows);
    for (let i = 0; i < out.length; i++) out[i] /= this.params.numTrees;
    return out;
  }

  /**
   * Score-then-update with attribution: like processSums, but writes each row's attribution summed over
   * this forest's trees, n × 2·dims values laid out as the batch attributePoints ((high, low) for each
   * dimension of the point in turn; with shingling, dimension j is column j % inputDims of the shingle's
   * row ⌊j / inputDims⌋, oldest first). Each tree's part comes from the trees before the row is learned,
   * by the batch kernel (attributeTree). 0 until ready.
   */
  processAttributionSums(rows: Float64Array, attribution?: Float64Array): Float64Array {
    const n = checkPoints(rows, this.inputDims);
    const width = 2 * this.dims;
    const out = attribution ?? new Float64Array(n * width);
    if (out.length < n * width) throw new RcfInputError(`the attribution array holds ${out.length} values, not ${n * width}`);
    out.fill(0, 0, n * width);
    const { point, scratch, trees } = this;
    this.run(rows, n, (i) => {
      const row = out.subarray(i * width, (i + 1) * width);
      for (const { tree } of trees) attributeTree(tree.nodes, tree.root, point, 0, 1, row, scratch);
    });
    return out;
  }

  /**
   * Score-then-update with attribution, as means over all the forest's trees: `attribution` is
   * n × 2·dims (see processAttributionSums) and each score is its row's attribution summed (the same
   * walk as process, so equal to process's score up to rounding).
   */
  processWithAttribution(rows: Float64Array): { scores: Float64Array; attribution: Float64Array } {
    const attribution = this.processAttributionSums(rows);
    for (let x = 0; x < attribution.length; x++) attribution[x] /= this.params.numTrees;
    return { scores: attributionScores(attribution, this.dims), attribution };
  }

  /** Pushes rows in order; once a shingle is full, calls visit(i) with it in `point` if ready, then learns it. */
  private run(rows: Float64Array, n: number, visit: (i: number) => void): void {
    const { point, trees, shingler } = this;
    for (let i = 0; i < n; i++) {
      shingler.push(rows, i);
      if (shingler.full) {
        shingler.write(point);
        if (this.seen >= this.params.outputAfter) visit(i);
        for (const tree of trees) tree.offer(point, this.seen);
      }
      this.seen++;
    }
  }
}

/**
 * One tree plus its time-decayed reservoir, drawing from one random stream: points the sampler accepts are
 * inserted into the tree, the ones it evicts deleted.
 */
class StreamingTree {
  readonly tree: DynamicTree;
  private sampler: ReservoirSampler;
  /** Sampled points by slot, kept to delete them from the tree when evicted. */
  private stored: Float64Array;

  /** A fresh tree, or with `saved` one that goes on from a saved state (taking over its arrays). */
  constructor(
    private readonly dims: number,
    capacity: number,
    decay: number,
    private rng: Rng,
    saved?: StreamingTreeState,
  ) {
    if (saved) checkTreeState(saved, dims, capacity);
    this.tree = new DynamicTree(dims, capacity, rng, saved);
    this.sampler = new ReservoirSampler(capacity, decay, rng, saved);
    this.stored = saved?.stored ?? new Float64Array(capacity * dims);
  }

  get state(): StreamingTreeState {
    return { ...this.tree.state, ...this.sampler.state, stored: this.stored, rng: this.rng.state() };
  }

  offer(point: Float64Array, t: number): void {
    const slot = this.sampler.offer(t);
    if (slot < 0) return;
    const at = slot * this.dims;
    if (this.sampler.evicted) this.tree.delete(this.stored.subarray(at, at + this.dims));
    this.stored.set(point, at);
    this.tree.insert(point);
  }
}

/**
 * Shapes and the scalars a tree indexes with, so a bad state is refused here rather than corrupting
 * the tree later. The node contents are trusted as written (the format is the library's own).
 */
function checkTreeState(s: StreamingTreeState, dims: number, capacity: number): void {
  const nodes = 2 * capacity;
  const n = s.nodes;
  const shapes: [string, number, number][] = [
    ['left', n.left.length, nodes],
    ['right', n.right.length, nodes],
    ['parent', n.parent.length, nodes],
    ['cutDim', n.cutDim.length, nodes],
    ['cutValue', n.cutValue.length, nodes],
    ['mass', n.mass.length, nodes],
    ['rangeSum', n.rangeSum.length, nodes],
    ['box', n.box.length, nodes * 2 * dims],
    ['free list', s.free.length, nodes],
    ['weights', s.weights.length, capacity],
    ['slots', s.slots.length, capacity],
    ['sampled points', s.stored.length, capacity * dims],
  ];
  for (const [name, got, want] of shapes) if (got !== want) throw new RcfInputError(`tree state: ${name} holds ${got} values, expected ${want}`);
  if (n.dims !== dims) throw new RcfInputError(`tree state: ${n.dims} dimensions, expected ${dims}`);
  checkInt(s.root, 'tree state root', -1, nodes - 1);
  checkInt(s.freeTop, 'tree state free-list top', 0, nodes);
  checkInt(s.size, 'tree state sample size', 0, capacity);
  if (s.root < 0 !== (s.size === 0)) throw new RcfInputError('tree state: the tree and its sample disagree about being empty');
}

import { RcfInputError } from './errors.ts';
import { attributionScores } from './forest.ts';
import { allocNodes, randomCut, setLeaf, type NodeArrays } from './nodes.ts';
import { Rng } from './random.ts';
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
 * AWS's initialAcceptFraction: while a tree's sample is under this fraction full every point is taken, then
 * the chance falls linearly to 0 at full. Trees fill at different paces, so they differ early on.
 */
const INITIAL_ACCEPT_FRACTION = 0.125;

/**
 * Everything a StreamingTree carries from one offer to the next: the tree (node arrays, root, free list),
 * its reservoir (heap of weights and slots, size, the sampled points) and its random stream.
 */
export interface StreamingTreeState {
  root: number;
  nodes: NodeArrays;
  /** Free node ids as a stack: free[0 .. freeTop) are available, the top is taken first. */
  free: Int32Array;
  freeTop: number;
  weights: Float64Array;
  slots: Int32Array;
  size: number;
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
      for (const tree of trees) {
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
    for (const tree of this.trees) attributeTree(tree.nodes, tree.root, this.point, 0, 1, out, this.scratch);
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
    for (const tree of this.trees) {
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
      for (const tree of trees) attributeTree(tree.nodes, tree.root, point, 0, 1, row, scratch);
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
 * One tree plus its time-decayed reservoir (AWS CompactSampler): a point offered at time t gets weight
 * log(−log u) − λt and the sample keeps the `capacity` smallest weights (a max-heap evicts the largest), so
 * recent points are favoured by exp(λ·age). Accepted points are inserted into the tree; evicted ones deleted.
 */
class StreamingTree {
  readonly nodes: NodeArrays;
  root = -1;
  private readonly dims: number;
  private free: Int32Array;
  private freeTop: number;
  private path: Int32Array;
  private ext: Float64Array;
  private cut = new Float64Array(1);
  private weights: Float64Array;
  private slots: Int32Array;
  private size = 0;
  /** Sampled points by slot, kept to delete them from the tree when evicted. */
  private stored: Float64Array;

  /** A fresh tree, or with `saved` one that goes on from a saved state (taking over its arrays). */
  constructor(
    dims: number,
    private capacity: number,
    private decay: number,
    private rng: Rng,
    saved?: StreamingTreeState,
  ) {
    this.dims = dims;
    this.path = new Int32Array(capacity + 1);
    this.ext = new Float64Array(2 * dims);
    if (saved) {
      checkTreeState(saved, dims, capacity);
      this.nodes = saved.nodes;
      this.root = saved.root;
      this.free = saved.free;
      this.freeTop = saved.freeTop;
      this.weights = saved.weights;
      this.slots = saved.slots;
      this.size = saved.size;
      this.stored = saved.stored;
      return;
    }
    this.nodes = allocNodes(2 * capacity, dims);
    this.free = new Int32Array(2 * capacity);
    for (let i = 0; i < this.free.length; i++) this.free[i] = this.free.length - 1 - i;
    this.freeTop = this.free.length;
    this.weights = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.stored = new Float64Array(capacity * dims);
  }

  get state(): StreamingTreeState {
    const { root, nodes, free, freeTop, weights, slots, size, stored } = this;
    return { root, nodes, free, freeTop, weights, slots, size, stored, rng: this.rng.state() };
  }

  offer(point: Float64Array, t: number): void {
    let u = this.rng.next();
    while (u === 0) u = this.rng.next();
    const weight = Math.log(-Math.log(u)) - this.decay * t;
    const filling = this.size < this.capacity && this.rng.next() < this.initialAcceptProbability();
    if (filling) {
      const slot = this.size;
      this.stored.set(point, slot * this.dims);
      this.heapPush(weight, slot);
      this.insert(point);
    } else if (this.size > 0 && weight < this.weights[0]) {
      const slot = this.slots[0];
      this.delete(this.stored.subarray(slot * this.dims, (slot + 1) * this.dims));
      this.stored.set(point, slot * this.dims);
      this.heapReplaceTop(weight, slot);
      this.insert(point);
    }
  }

  private initialAcceptProbability(): number {
    const fill = this.size / this.capacity;
    if (fill < INITIAL_ACCEPT_FRACTION) return 1;
    return 1 - (fill - INITIAL_ACCEPT_FRACTION) / (1 - INITIAL_ACCEPT_FRACTION);
  }

  private heapPush(weight: number, slot: number): void {
    let i = this.size++;
    const { weights, slots } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (weights[parent] >= weight) break;
      weights[i] = weights[parent];
      slots[i] = slots[parent];
      i = parent;
    }
    weights[i] = weight;
    slots[i] = slot;
  }

  private heapReplaceTop(weight: number, slot: number): void {
    const { weights, slots, size } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const c = l + 1 < size && weights[l + 1] > weights[l] ? l + 1 : l;
      if (weights[c] <= weight) break;
      weights[i] = weights[c];
      slots[i] = slots[c];
      i = c;
    }
    weights[i] = weight;
    slots[i] = slot;
  }

  private alloc(): number {
    return this.free[--this.freeTop];
  }

  private release(node: number): void {
    this.free[this.freeTop++] = node;
  }

  /**
   * Guha et al.'s insertion: at each node draw a cut of the box extended by p; if it separates p from the
   * box, p becomes a new leaf next to this subtree, else the box grows and p goes down the node's own cut.
   */
  private insert(p: Float64Array): void {
    const { nodes, dims, ext, cut } = this;
    const { left, right, cutDim, cutValue, mass, box, rangeSum } = nodes;
    const { parent: up } = nodes;
    if (this.root < 0) {
      this.root = this.alloc();
      setLeaf(nodes, this.root, p, 0, 1);
      up[this.root] = -1;
      return;
    }
    let node = this.root;
    let parent = -1;
    for (;;) {
      const b = node * 2 * dims;
      let grow = 0;
      let extSum = 0;
      for (let j = 0; j < dims; j++) {
        const v = p[j];
        const lo = box[b + 2 * j];
        const hi = box[b + 2 * j + 1];
        const elo = v < lo ? v : lo;
        const ehi = v > hi ? v : hi;
        ext[2 * j] = elo;
        ext[2 * j + 1] = ehi;
        grow += lo - elo + (ehi - hi);
        extSum += ehi - elo;
      }
      if (grow === 0) {
        mass[node]++;
        if (cutDim[node] < 0) return; // a duplicate of the leaf's point
        parent = node;
        node = p[cutDim[node]] <= cutValue[node] ? left[node] : right[node];
        continue;
      }
      const dim = randomCut(ext, 0, dims, extSum, this.rng.next(), cut);
      const value = cut[0];
      const v = p[dim];
      const separates = v < box[b + 2 * dim] ? value < box[b + 2 * dim] : value >= box[b + 2 * dim + 1];
      if (separates) {
        const leaf = this.alloc();
        setLeaf(nodes, leaf, p, 0, 1);
        const inner = this.alloc();
        cutDim[inner] = dim;
        cutValue[inner] = value;
        mass[inner] = mass[node] + 1;
        box.set(ext, inner * 2 * dims);
        rangeSum[inner] = extSum;
        left[inner] = v <= value ? leaf : node;
        right[inner] = v <= value ? node : leaf;
        up[inner] = parent;
        up[node] = inner;
        up[leaf] = inner;
        if (parent < 0) this.root = inner;
        else if (left[parent] === node) left[parent] = inner;
        else right[parent] = inner;
        return;
      }
      box.set(ext, b);
      rangeSum[node] = extSum;
      mass[node]++;
      parent = node;
      node = p[cutDim[node]] <= cutValue[node] ? left[node] : right[node];
    }
  }

  /** Removes one copy of p (which must be in the sample); shrinks the boxes above it. */
  private delete(p: Float64Array): void {
    const { nodes, dims, path } = this;
    const { left, right, cutDim, cutValue, mass } = nodes;
    let node = this.root;
    let depth = 0;
    while (cutDim[node] >= 0) {
      path[depth++] = node;
      node = p[cutDim[node]] <= cutValue[node] ? left[node] : right[node];
    }
    for (let j = 0; j < dims; j++) {
      if (nodes.box[node * 2 * dims + 2 * j] !== p[j]) throw new Error('RCF internal error: a sampled point is missing from its tree');
    }
    for (let k = 0; k < depth; k++) mass[path[k]]--;
    if (--mass[node] > 0) return;
    this.release(node);
    if (depth === 0) {
      this.root = -1;
      return;
    }
    const parent = path[depth - 1];
    const sibling = left[parent] === node ? right[parent] : left[parent];
    this.release(parent);
    if (depth === 1) {
      this.root = sibling;
      nodes.parent[sibling] = -1;
      return;
    }
    const grand = path[depth - 2];
    nodes.parent[sibling] = grand;
    if (left[grand] === parent) left[grand] = sibling;
    else right[grand] = sibling;
    for (let k = depth - 2; k >= 0; k--) {
      if (!this.refitBox(path[k])) break;
    }
  }

  /** Sets a node's box to the union of its children's; returns whether it changed. */
  private refitBox(node: number): boolean {
    const { dims } = this;
    const { left, right, box, rangeSum } = this.nodes;
    const b = node * 2 * dims;
    const l = left[node] * 2 * dims;
    const r = right[node] * 2 * dims;
    let changed = false;
    let sum = 0;
    for (let j = 0; j < dims; j++) {
      const lo = Math.min(box[l + 2 * j], box[r + 2 * j]);
      const hi = Math.max(box[l + 2 * j + 1], box[r + 2 * j + 1]);
      if (lo !== box[b + 2 * j] || hi !== box[b + 2 * j + 1]) changed = true;
      box[b + 2 * j] = lo;
      box[b + 2 * j + 1] = hi;
      sum += hi - lo;
    }
    rangeSum[node] = sum;
    return changed;
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

import { Rng } from '../rcf/random.ts';

/**
 * A streaming random cut forest in AWS's manner (randomcutforest-core): each tree keeps a time-decayed
 * sample of the points seen so far and updates its tree as points enter and leave the sample; a point
 * is scored before it is inserted. Scores use AWS's default visitor (seen/unseen, damping, normaliser),
 * so they sit on the Kinesis scale (normal about 1, anomalies 2.5 and above).
 *
 * Points are referenced by index into the caller's `points` array (never copied): point i is the
 * `dims` values from i · stride. With stride < dims consecutive points overlap, which is exactly a
 * shingle over rows of `stride` measures, so shingling costs nothing.
 */
export interface StreamingForestParams {
  dims: number;
  stride: number;
  numTrees: number;
  samplesPerTree: number;
  timeDecay: number;
  seed: number;
}

export class StreamingForest {
  readonly trees: StreamingTree[];
  private updates = 0;

  constructor(
    readonly p: StreamingForestParams,
    points: Float64Array,
  ) {
    this.trees = Array.from({ length: p.numTrees }, (_, t) => new StreamingTree(p.dims, p.stride, p.samplesPerTree, points, new Rng(p.seed, t)));
  }

  /** Points inserted so far (AWS: the forest outputs once this reaches outputAfter). */
  get updateCount(): number {
    return this.updates;
  }

  /** Mean score over trees; writes per-dimension attribution (summing to the score) into `attribution` if given. */
  score(at: number, attribution?: Float64Array): number {
    const dims = this.p.dims;
    const tmp = new Float64Array(dims);
    attribution?.fill(0);
    let sum = 0;
    for (const tree of this.trees) {
      sum += tree.score(at, tmp);
      if (attribution) for (let d = 0; d < dims; d++) attribution[d] += tmp[d];
    }
    const n = this.trees.length;
    if (attribution) for (let d = 0; d < dims; d++) attribution[d] /= n;
    return sum / n;
  }

  update(at: number): void {
    const weightBase = -this.p.timeDecay * this.updates++;
    for (const tree of this.trees) tree.offer(at, weightBase);
  }
}

const log2 = (x: number) => Math.log(x) / Math.LN2;

class StreamingTree {
  // Nodes 0..2S-1: leaves hold a point index; internal nodes hold a cut and a bounding box.
  private left: Int32Array;
  private right: Int32Array;
  private parent: Int32Array;
  private mass: Int32Array;
  private point: Int32Array;
  private cutDim: Int32Array;
  private cutValue: Float64Array;
  private lo: Float64Array;
  private hi: Float64Array;
  private free: number[] = [];
  private root = -1;
  // The sample: a max-heap on weight (the heaviest leaves first when a lighter point arrives).
  private heapWeight: Float64Array;
  private heapPoint: Int32Array;
  private size = 0;
  private path: Int32Array;
  private ext: Float64Array;

  constructor(
    private dims: number,
    private stride: number,
    private capacity: number,
    private points: Float64Array,
    private rng: Rng,
  ) {
    const nodes = 2 * capacity;
    this.left = new Int32Array(nodes);
    this.right = new Int32Array(nodes);
    this.parent = new Int32Array(nodes).fill(-1);
    this.mass = new Int32Array(nodes);
    this.point = new Int32Array(nodes).fill(-1);
    this.cutDim = new Int32Array(nodes);
    this.cutValue = new Float64Array(nodes);
    this.lo = new Float64Array(nodes * dims);
    this.hi = new Float64Array(nodes * dims);
    for (let i = nodes - 1; i >= 0; i--) this.free.push(i);
    this.heapWeight = new Float64Array(capacity);
    this.heapPoint = new Int32Array(capacity);
    this.path = new Int32Array(nodes);
    this.ext = new Float64Array(dims);
  }

  /** Time-decayed reservoir (AWS's CompactSampler): weight −λ·t + log(−log u); the lightest S stay. */
  offer(at: number, weightBase: number): void {
    const weight = weightBase + Math.log(-Math.log(1 - this.rng.next() * (1 - 1e-16)));
    if (this.size < this.capacity) {
      this.heapPush(weight, at);
    } else if (weight < this.heapWeight[0]) {
      const evicted = this.heapPoint[0];
      this.heapReplaceTop(weight, at);
      this.delete(evicted);
    } else return;
    this.insert(at);
  }

  private isLeaf(n: number): boolean {
    return this.point[n] >= 0;
  }

  private min(n: number, d: number): number {
    return this.point[n] >= 0 ? this.points[this.point[n] * this.stride + d] : this.lo[n * this.dims + d];
  }

  private max(n: number, d: number): number {
    return this.point[n] >= 0 ? this.points[this.point[n] * this.stride + d] : this.hi[n * this.dims + d];
  }

  private samePoint(n: number, at: number): boolean {
    const a = this.point[n] * this.stride;
    const b = at * this.stride;
    for (let d = 0; d < this.dims; d++) if (this.points[a + d] !== this.points[b + d]) return false;
    return true;
  }

  private newLeaf(at: number): number {
    const n = this.free.pop()!;
    this.point[n] = at;
    this.mass[n] = 1;
    this.parent[n] = -1;
    return n;
  }

  private insert(at: number): void {
    if (this.root < 0) {
      this.root = this.newLeaf(at);
      return;
    }
    const { dims, points } = this;
    const base = at * this.stride;
    let node = this.root;
    for (;;) {
      if (this.isLeaf(node) && this.samePoint(node, at)) {
        this.mass[node]++;
        return;
      }
      // A random cut of the node's box grown to hold the point (a leaf's box is its point).
      const leaf = this.point[node] >= 0;
      const loArr = leaf ? points : this.lo;
      const hiArr = leaf ? points : this.hi;
      const o = leaf ? this.point[node] * this.stride : node * dims;
      let range = 0;
      for (let d = 0; d < dims; d++) {
        const v = points[base + d];
        const lo = loArr[o + d];
        const hi = hiArr[o + d];
        range += (hi > v ? hi : v) - (lo < v ? lo : v);
      }
      let r = this.rng.next() * range;
      let dim = dims - 1;
      let value = 0;
      for (let d = 0; d < dims; d++) {
        const v = points[base + d];
        const lo = loArr[o + d] < v ? loArr[o + d] : v;
        const width = (hiArr[o + d] > v ? hiArr[o + d] : v) - lo;
        if (r < width || d === dims - 1) {
          dim = d;
          value = lo + Math.min(r, width);
          break;
        }
        r -= width;
      }
      const x = points[base + dim];
      if ((value < loArr[o + dim] && x <= value) || (value >= hiArr[o + dim] && x > value)) {
        this.split(node, at, dim, value);
        return;
      }
      // The cut does not separate: the point joins this subtree.
      for (let d = 0; d < dims; d++) {
        const v = points[base + d];
        if (v < this.lo[o + d]) this.lo[o + d] = v;
        if (v > this.hi[o + d]) this.hi[o + d] = v;
      }
      this.mass[node]++;
      node = points[base + this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
  }

  /** A new internal node above `node` with the new point's leaf as the other child. */
  private split(node: number, at: number, dim: number, value: number): void {
    const { points } = this;
    const leaf = this.newLeaf(at);
    const n = this.free.pop()!;
    this.point[n] = -1;
    this.cutDim[n] = dim;
    this.cutValue[n] = value;
    const goesLeft = points[at * this.stride + dim] <= value;
    this.left[n] = goesLeft ? leaf : node;
    this.right[n] = goesLeft ? node : leaf;
    this.mass[n] = this.mass[node] + 1;
    const up = this.parent[node];
    this.parent[n] = up;
    this.parent[node] = n;
    this.parent[leaf] = n;
    if (up < 0) this.root = n;
    else if (this.left[up] === node) this.left[up] = n;
    else this.right[up] = n;
    this.setBox(n);
  }

  /** Recomputes a node's box from its children; says whether it changed. */
  private setBox(n: number): boolean {
    const o = n * this.dims;
    const l = this.left[n];
    const r = this.right[n];
    let changed = false;
    for (let d = 0; d < this.dims; d++) {
      const lo = Math.min(this.min(l, d), this.min(r, d));
      const hi = Math.max(this.max(l, d), this.max(r, d));
      if (lo !== this.lo[o + d] || hi !== this.hi[o + d]) {
        this.lo[o + d] = lo;
        this.hi[o + d] = hi;
        changed = true;
      }
    }
    return changed;
  }

  private delete(at: number): void {
    const { points } = this;
    const base = at * this.stride;
    let node = this.root;
    while (!this.isLeaf(node)) node = points[base + this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    if (!this.samePoint(node, at)) throw new Error('streaming tree: the evicted point is not in the tree');
    for (let a = this.parent[node]; a >= 0; a = this.parent[a]) this.mass[a]--;
    if (--this.mass[node] > 0) return;
    const up = this.parent[node];
    this.release(node);
    if (up < 0) {
      this.root = -1;
      return;
    }
    const sibling = this.left[up] === node ? this.right[up] : this.left[up];
    const grand = this.parent[up];
    this.parent[sibling] = grand;
    this.release(up);
    if (grand < 0) {
      this.root = sibling;
      return;
    }
    if (this.left[grand] === up) this.left[grand] = sibling;
    else this.right[grand] = sibling;
    // Boxes shrink only as far up as the removed point was on an edge.
    for (let a = grand; a >= 0 && this.setBox(a); a = this.parent[a]);
  }

  private release(n: number): void {
    this.point[n] = -1;
    this.parent[n] = -1;
    this.mass[n] = 0;
    this.free.push(n);
  }

  /**
   * AWS's anomaly score visitor: at the leaf 1/(depth+1) (or a damped 1/(depth + log2(mass+1)) for
   * a point already in the sample), then on the way up each box that does not hold the point mixes in
   * 1/(depth+1) by the probability that a random cut separates the point; times log2(mass + 1).
   * `attribution` receives the score split by dimension (the share of each dimension's separation).
   */
  score(at: number, attribution: Float64Array): number {
    const { dims, points, path } = this;
    attribution.fill(0);
    if (this.root < 0) return 0;
    const base = at * this.stride;
    const treeMass = this.mass[this.root];
    let depth = 0;
    let node = this.root;
    while (!this.isLeaf(node)) {
      path[depth++] = node;
      node = points[base + this.cutDim[node]] <= this.cutValue[node] ? this.left[node] : this.right[node];
    }
    let score: number;
    if (this.samePoint(node, at)) {
      const leafMass = this.mass[node];
      score = (1 - leafMass / (2 * treeMass)) / (depth + log2(leafMass + 1));
      for (let d = 0; d < dims; d++) attribution[d] = score / dims;
    } else {
      score = 1 / (depth + 1);
      const q = this.point[node] * this.stride;
      let total = 0;
      for (let d = 0; d < dims; d++) total += Math.abs(points[base + d] - points[q + d]);
      for (let d = 0; d < dims; d++) attribution[d] = (score * Math.abs(points[base + d] - points[q + d])) / total;
    }
    const { lo, hi, ext } = this;
    for (let k = depth - 1; k >= 0; k--) {
      const o = path[k] * dims;
      let outside = 0;
      let range = 0;
      for (let d = 0; d < dims; d++) {
        const v = points[base + d];
        const l = lo[o + d];
        const h = hi[o + d];
        const e = v < l ? l - v : v > h ? v - h : 0;
        ext[d] = e;
        outside += e;
        range += h - l;
      }
      if (outside === 0) continue;
      range += outside;
      const prob = outside / range;
      const unseen = 1 / (k + 1);
      score = prob * unseen + (1 - prob) * score;
      const keep = 1 - prob;
      const share = unseen / range;
      for (let d = 0; d < dims; d++) attribution[d] = keep * attribution[d] + share * ext[d];
    }
    const scale = log2(treeMass + 1);
    for (let d = 0; d < dims; d++) attribution[d] *= scale;
    return score * scale;
  }

  private heapPush(weight: number, at: number): void {
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.heapWeight[p] >= weight) break;
      this.heapWeight[i] = this.heapWeight[p];
      this.heapPoint[i] = this.heapPoint[p];
      i = p;
    }
    this.heapWeight[i] = weight;
    this.heapPoint[i] = at;
  }

  private heapReplaceTop(weight: number, at: number): void {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.heapWeight[r] > this.heapWeight[l] ? r : l;
      if (this.heapWeight[c] <= weight) break;
      this.heapWeight[i] = this.heapWeight[c];
      this.heapPoint[i] = this.heapPoint[c];
      i = c;
    }
    this.heapWeight[i] = weight;
    this.heapPoint[i] = at;
  }
}

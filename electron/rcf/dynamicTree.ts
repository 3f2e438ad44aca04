import { allocNodes, randomCut, setLeaf, type NodeArrays } from './nodes.ts';
import type { Rng } from './random.ts';

/** A dynamic tree's arrays between updates: the nodes, the root and the free list. */
export interface DynamicTreeState {
  root: number;
  nodes: NodeArrays;
  /** Free node ids as a stack: free[0 .. freeTop) are available, the top is taken first. */
  free: Int32Array;
  freeTop: number;
}

/**
 * A random cut tree that points are inserted into and deleted from one at a time (AWS RandomCutTree),
 * over room for `capacity` points (2·capacity nodes, recycled through a free list).
 */
export class DynamicTree {
  readonly nodes: NodeArrays;
  root = -1;
  private free: Int32Array;
  private freeTop: number;
  private path: Int32Array;
  private ext: Float64Array;
  private cut = new Float64Array(1);

  /** An empty tree, or with `saved` one that goes on from a saved state (taking over its arrays). */
  constructor(
    private readonly dims: number,
    capacity: number,
    private rng: Rng,
    saved?: DynamicTreeState,
  ) {
    this.path = new Int32Array(capacity + 1);
    this.ext = new Float64Array(2 * dims);
    if (saved) {
      this.nodes = saved.nodes;
      this.root = saved.root;
      this.free = saved.free;
      this.freeTop = saved.freeTop;
      return;
    }
    this.nodes = allocNodes(2 * capacity, dims);
    this.free = new Int32Array(2 * capacity);
    for (let i = 0; i < this.free.length; i++) this.free[i] = this.free.length - 1 - i;
    this.freeTop = this.free.length;
  }

  get state(): DynamicTreeState {
    const { root, nodes, free, freeTop } = this;
    return { root, nodes, free, freeTop };
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
  insert(p: Float64Array): void {
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
  delete(p: Float64Array): void {
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

import { RcfInputError } from './errors.ts';
import type { Forest } from './forest.ts';
import type { NodeArrays } from './nodes.ts';
import { resolveStreamingParams, StreamingForest, type StreamingTreeState } from './streaming.ts';

/**
 * Versioned binary format of a batch forest, so a trained model can be kept in a workspace and score later
 * partitions. Layout (little-endian): a 48-byte header —
 *   "RCFB" | version u32 | dims u32 | numTrees u32 | samplesPerTree u32 | nodeCount u32 | seed f64 | 16 reserved
 * — then roots i32[numTrees] padded to 8 bytes, left, right, cutDim, mass i32[nodeCount] (each padded to 8),
 * cutValue f64[nodeCount], box f64[nodeCount·2·dims]. Parent links and range sums are recomputed on load.
 */
const MAGIC = 0x42464352; // "RCFB" read as a little-endian u32
const VERSION = 1;
const HEADER = 48;

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) {
  // Sections are copied as native typed arrays; every platform Electron ships on is little-endian.
  throw new Error('the RCF model format needs a little-endian platform');
}

const pad8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/** A copy of bytes[from, to) in its own buffer, also from a Node Buffer (whose slice is a view). */
const copyOut = (bytes: Uint8Array, from: number, to: number): ArrayBuffer => Uint8Array.prototype.slice.call(bytes, from, to).buffer as ArrayBuffer;

export function serializeForest(f: Forest): Uint8Array {
  const n = f.nodes.left.length;
  const i32 = [f.roots, f.nodes.left, f.nodes.right, f.nodes.cutDim, f.nodes.mass];
  const f64 = [f.nodes.cutValue, f.nodes.box];
  const size = HEADER + i32.reduce((s, a) => s + pad8(a.byteLength), 0) + f64.reduce((s, a) => s + a.byteLength, 0);
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, f.dims, true);
  view.setUint32(12, f.numTrees, true);
  view.setUint32(16, f.samplesPerTree, true);
  view.setUint32(20, n, true);
  view.setFloat64(24, f.seed, true);
  let off = HEADER;
  for (const a of i32) {
    new Int32Array(buf, off, a.length).set(a);
    off += pad8(a.byteLength);
  }
  for (const a of f64) {
    new Float64Array(buf, off, a.length).set(a);
    off += a.byteLength;
  }
  return new Uint8Array(buf);
}

/** A batch model's header, checked (magic, version, size) without reading its trees. */
export function forestHeader(bytes: Uint8Array): { dims: number; numTrees: number; samplesPerTree: number; nodeCount: number; seed: number } {
  if (bytes.byteLength < HEADER) throw new RcfInputError('not an RCF model: too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) === STREAMING_MAGIC) throw new RcfInputError('this is a streaming forest, not a batch RCF model: use deserializeStreamingForest');
  if (view.getUint32(0, true) !== MAGIC) throw new RcfInputError('not an RCF model: bad magic number');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new RcfInputError(`RCF model version ${version} is not supported (expected ${VERSION})`);
  const dims = view.getUint32(8, true);
  const numTrees = view.getUint32(12, true);
  const samplesPerTree = view.getUint32(16, true);
  const n = view.getUint32(20, true);
  const seed = view.getFloat64(24, true);
  const expected = HEADER + pad8(numTrees * 4) + 4 * pad8(n * 4) + n * 8 * (1 + 2 * dims);
  if (bytes.byteLength !== expected) throw new RcfInputError(`RCF model is ${bytes.byteLength} bytes, expected ${expected}: truncated or corrupt`);
  return { dims, numTrees, samplesPerTree, nodeCount: n, seed };
}

export function deserializeForest(bytes: Uint8Array): Forest {
  const { dims, numTrees, samplesPerTree, nodeCount: n, seed } = forestHeader(bytes);
  // Copy each section out: `bytes` may sit at any offset of a larger buffer, typed arrays need alignment.
  let off = HEADER;
  const i32 = (count: number) => {
    const a = new Int32Array(copyOut(bytes, off, off + count * 4));
    off += pad8(count * 4);
    return a;
  };
  const f64 = (count: number) => {
    const a = new Float64Array(copyOut(bytes, off, off + count * 8));
    off += count * 8;
    return a;
  };
  const roots = i32(numTrees);
  const left = i32(n);
  const right = i32(n);
  const cutDim = i32(n);
  const mass = i32(n);
  const cutValue = f64(n);
  const box = f64(n * 2 * dims);
  const nodes: NodeArrays = { dims, left, right, parent: parents(left, right), cutDim, cutValue, mass, box, rangeSum: rangeSums(box, dims, n) };
  return { dims, numTrees, samplesPerTree, seed, roots, nodes };
}

function parents(left: Int32Array, right: Int32Array): Int32Array {
  const parent = new Int32Array(left.length).fill(-1);
  for (let i = 0; i < left.length; i++) {
    if (left[i] < 0) continue;
    if (left[i] >= left.length || right[i] < 0 || right[i] >= left.length)
      throw new RcfInputError('RCF model is corrupt: a child link points outside the tree');
    parent[left[i]] = i;
    parent[right[i]] = i;
  }
  return parent;
}

function rangeSums(box: Float64Array, dims: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += box[(i * dims + j) * 2 + 1] - box[(i * dims + j) * 2];
    out[i] = s;
  }
  return out;
}

/**
 * Versioned binary format of a streaming forest between two rows, so a stream's forest can be kept in a
 * workspace and carry on when more rows arrive, exactly as if it had never stopped. Layout (little-endian):
 * an 80-byte header —
 *   "RCFS" | version u32 | inputDims u32 | numTrees u32 | samplesPerTree u32 | shingleSize u32 |
 *   first tree u32 | end tree u32 | shingle next u32 | shingle filled u32 |
 *   seed f64 | timeDecay f64 | outputAfter f64 | rows seen f64 | 8 reserved
 * — then the shingle ring f64[inputDims·shingleSize], then per tree (capacity C = samplesPerTree, 2C nodes,
 * d = inputDims·shingleSize): root, freeTop, sample size, 0 as i32[4]; RNG state u32[4]; left, right,
 * parent, cutDim, mass, free list i32[2C]; heap slots i32[C]; cutValue, rangeSum f64[2C]; box f64[2C·2d];
 * heap weights f64[C]; sampled points f64[C·d]. Every section is padded to 8 bytes. Unused nodes are
 * written as they are, so serialise → deserialise → serialise gives the same bytes.
 */
const STREAMING_MAGIC = 0x53464352; // "RCFS"
const STREAMING_VERSION = 1;
const STREAMING_HEADER = 80;

type Section = Int32Array | Uint32Array | Float64Array;
type SectionKind = 'i32' | 'u32' | 'f64';
const SECTION_ARRAY = { i32: Int32Array, u32: Uint32Array, f64: Float64Array } as const;

/** One tree's sections in file order: the single description both directions follow. */
function treeLayout(capacity: number, dims: number): [SectionKind, number][] {
  const n = 2 * capacity;
  return [
    ['i32', 4],
    ['u32', 4],
    ...(['i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const).map((k): [SectionKind, number] => [k, n]),
    ['i32', capacity],
    ['f64', n],
    ['f64', n],
    ['f64', n * 2 * dims],
    ['f64', capacity],
    ['f64', capacity * dims],
  ];
}

function treeSections(t: StreamingTreeState): Section[] {
  const n = t.nodes;
  return [
    Int32Array.of(t.root, t.freeTop, t.size, 0),
    t.rng,
    n.left,
    n.right,
    n.parent,
    n.cutDim,
    n.mass,
    t.free,
    t.slots,
    n.cutValue,
    n.rangeSum,
    n.box,
    t.weights,
    t.stored,
  ];
}

const sectionBytes = (kind: SectionKind, count: number) => pad8(count * SECTION_ARRAY[kind].BYTES_PER_ELEMENT);

export function serializeStreamingForest(forest: StreamingForest): Uint8Array {
  const s = forest.state;
  const { params } = s;
  const sections: Section[] = [s.shingler.ring, ...s.treeStates.flatMap(treeSections)];
  const size = sections.reduce((sum, a) => sum + pad8(a.byteLength), STREAMING_HEADER);
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  const u32 = [
    STREAMING_MAGIC,
    STREAMING_VERSION,
    s.inputDims,
    params.numTrees,
    params.samplesPerTree,
    params.shingleSize,
    s.trees.from,
    s.trees.to,
    s.shingler.next,
    s.shingler.filled,
  ];
  u32.forEach((v, i) => view.setUint32(4 * i, v, true));
  [params.seed, params.timeDecay, params.outputAfter, s.seen].forEach((v, i) => view.setFloat64(40 + 8 * i, v, true));
  let off = STREAMING_HEADER;
  for (const a of sections) {
    new (a.constructor as typeof Float64Array)(buf, off, a.length).set(a as Float64Array);
    off += pad8(a.byteLength);
  }
  return new Uint8Array(buf);
}

export function deserializeStreamingForest(bytes: Uint8Array): StreamingForest {
  if (bytes.byteLength < 4) throw new RcfInputError('not a streaming forest: too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic === MAGIC) throw new RcfInputError('this is a batch RCF model, not a streaming forest: use deserializeForest');
  if (magic !== STREAMING_MAGIC) throw new RcfInputError('not a streaming forest: bad magic number');
  if (bytes.byteLength < STREAMING_HEADER) throw new RcfInputError(`streaming forest is ${bytes.byteLength} bytes, shorter than its header: truncated`);
  const version = view.getUint32(4, true);
  if (version !== STREAMING_VERSION) throw new RcfInputError(`streaming forest version ${version} is not supported (expected ${STREAMING_VERSION})`);
  const [inputDims, numTrees, samplesPerTree, shingleSize, from, to, next, filled] = [8, 12, 16, 20, 24, 28, 32, 36].map((o) => view.getUint32(o, true));
  const [seed, timeDecay, outputAfter, seen] = [40, 48, 56, 64].map((o) => view.getFloat64(o, true));
  // The header's numbers are checked before any size is computed from them; restore checks the rest.
  const params = resolveStreamingParams({ numTrees, samplesPerTree, shingleSize, timeDecay, outputAfter, seed });
  if (inputDims < 1) throw new RcfInputError('streaming forest is corrupt: 0 input dimensions');
  if (!(from <= to && to <= numTrees)) throw new RcfInputError(`streaming forest is corrupt: trees ${from}..${to} of ${numTrees}`);
  const dims = inputDims * shingleSize;
  const layout = treeLayout(samplesPerTree, dims);
  const perTree = layout.reduce((sum, [kind, count]) => sum + sectionBytes(kind, count), 0);
  const expected = STREAMING_HEADER + sectionBytes('f64', dims) + (to - from) * perTree;
  if (bytes.byteLength !== expected) throw new RcfInputError(`streaming forest is ${bytes.byteLength} bytes, expected ${expected}: truncated or corrupt`);
  // Copy each section out: `bytes` may sit at any offset of a larger buffer, typed arrays need alignment.
  let off = STREAMING_HEADER;
  const read = <K extends SectionKind>(kind: K, count: number) => {
    const a = new SECTION_ARRAY[kind](copyOut(bytes, off, off + count * SECTION_ARRAY[kind].BYTES_PER_ELEMENT));
    off += sectionBytes(kind, count);
    return a as InstanceType<(typeof SECTION_ARRAY)[K]>;
  };
  const ring = read('f64', dims);
  const treeStates: StreamingTreeState[] = [];
  for (let t = from; t < to; t++) {
    const [head, rng, left, right, parent, cutDim, mass, free, slots, cutValue, rangeSum, box, weights, stored] = layout.map(([kind, count]) =>
      read(kind, count),
    );
    const [root, freeTop, size] = head as Int32Array;
    const nodes: NodeArrays = { dims, left, right, parent, cutDim, cutValue, mass, box, rangeSum } as NodeArrays;
    treeStates.push({ root, freeTop, size, nodes, free, slots, weights, stored, rng } as StreamingTreeState);
  }
  return StreamingForest.restore({ inputDims, params, trees: { from, to }, seen, shingler: { ring, next, filled }, treeStates });
}

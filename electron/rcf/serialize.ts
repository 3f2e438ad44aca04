import { RcfInputError } from './errors.ts';
import type { Forest } from './forest.ts';
import type { NodeArrays } from './nodes.ts';

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

export function deserializeForest(bytes: Uint8Array): Forest {
  if (bytes.byteLength < HEADER) throw new RcfInputError('not an RCF model: too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  // Copy each section out: `bytes` may sit at any offset of a larger buffer, typed arrays need alignment.
  let off = HEADER;
  const i32 = (count: number) => {
    const a = new Int32Array(bytes.slice(off, off + count * 4).buffer);
    off += pad8(count * 4);
    return a;
  };
  const f64 = (count: number) => {
    const a = new Float64Array(bytes.slice(off, off + count * 8).buffer);
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
    if (left[i] >= left.length || right[i] < 0 || right[i] >= left.length) throw new RcfInputError('RCF model is corrupt: a child link points outside the tree');
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

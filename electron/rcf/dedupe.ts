/**
 * Identical rows scored once: integer map coordinates repeat a lot, so the lab job has ~1.4M distinct points
 * among 40.5M rows. Rows are hashed by their float64 bit patterns into an open-addressing table that grows
 * with the number of distinct rows (not the number of rows), so memory follows the distinct count.
 */
export interface Deduped {
  /** Distinct rows, row-major, in order of first appearance. */
  unique: Float64Array;
  count: number;
  /** For each input row, the index of its distinct row. */
  rowToUnique: Int32Array;
}

export function dedupeRows(points: Float64Array, dims: number): Deduped {
  const n = points.length / dims;
  const memo = new RowMemo(dims, Math.min(n, 1024));
  const rowToUnique = new Int32Array(n);
  memo.add(points, rowToUnique);
  return { unique: memo.rows(0, memo.count), count: memo.count, rowToUnique };
}

/**
 * Distinct rows remembered across calls: each call maps its rows to ids, new rows getting the next ids in
 * order of first appearance. A scorer fed chunk by chunk uses it to score each distinct row once overall.
 */
export class RowMemo {
  /** Distinct rows so far; their ids are 0 … count − 1. */
  count = 0;
  private unique: Float64Array;
  private capacity: number;
  private mask = (1 << 11) - 1;
  // Slot s holds (hash, id + 1) at 2s, 2s + 1: a probe reads one cache line, and id + 1 = 0 marks empty.
  private table: Int32Array = new Int32Array(2 << 11);

  constructor(
    readonly dims: number,
    initialCapacity = 1024,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.unique = new Float64Array(this.capacity * dims);
  }

  /** Bytes held: the distinct rows and the hash table. */
  get bytes(): number {
    return this.unique.byteLength + this.table.byteLength;
  }

  /** A copy of distinct rows [from, to), row-major. */
  rows(from: number, to: number): Float64Array {
    return this.unique.slice(from * this.dims, to * this.dims);
  }

  /** Writes each row's id into `ids` (one per row of `points`). */
  add(points: Float64Array, ids: Int32Array): void {
    const dims = this.dims;
    const n = points.length / dims;
    const words = new Uint32Array(points.buffer, points.byteOffset, points.length * 2);
    for (let i = 0; i < n; i++) {
      const base = i * dims;
      let h = 0x811c9dc5;
      for (let j = 0; j < dims; j++) {
        // 0 and -0 are the same point; hash both as 0.
        if (points[base + j] === 0) h = Math.imul(h ^ 0x2545f491, 0x9e3779b1);
        else {
          h = Math.imul(h ^ words[2 * (base + j)], 0x9e3779b1);
          h = Math.imul(h ^ words[2 * (base + j) + 1], 0x85ebca77);
        }
      }
      // murmur3's finaliser: the multiplies above only carry bits upwards, and integer-valued doubles differ in
      // their high bits, so fold those down before the low bits pick the slot.
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      const table = this.table;
      let slot = h & this.mask;
      let id = -1;
      for (;;) {
        const stored = table[2 * slot + 1] - 1;
        if (stored < 0) break;
        if (table[2 * slot] === h && sameRow(points, base, this.unique, stored * dims, dims)) {
          id = stored;
          break;
        }
        slot = (slot + 1) & this.mask;
      }
      if (id < 0) {
        if (this.count === this.capacity) {
          this.capacity *= 2;
          const grown = new Float64Array(this.capacity * dims);
          grown.set(this.unique);
          this.unique = grown;
        }
        id = this.count++;
        for (let j = 0; j < dims; j++) this.unique[id * dims + j] = points[base + j] + 0;
        table[2 * slot] = h;
        table[2 * slot + 1] = id + 1;
        if (this.count * 2 > this.mask + 1) {
          this.mask = this.mask * 2 + 1;
          this.table = rehash(table, this.mask);
        }
      }
      ids[i] = id;
    }
  }
}

function sameRow(a: Float64Array, ai: number, b: Float64Array, bi: number, dims: number): boolean {
  for (let j = 0; j < dims; j++) if (a[ai + j] !== b[bi + j]) return false;
  return true;
}

function rehash(old: Int32Array, mask: number): Int32Array {
  const table = new Int32Array(2 * (mask + 1));
  for (let s = 0; s < old.length; s += 2) {
    if (old[s + 1] === 0) continue;
    let slot = old[s] & mask;
    while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = old[s];
    table[2 * slot + 1] = old[s + 1];
  }
  return table;
}

/** Spreads per-distinct-row values back to every row. */
export function scatter(values: Float64Array, rowToUnique: Int32Array, width = 1): Float64Array {
  const out = new Float64Array(rowToUnique.length * width);
  if (width === 1) {
    for (let i = 0; i < rowToUnique.length; i++) out[i] = values[rowToUnique[i]];
  } else {
    for (let i = 0; i < rowToUnique.length; i++) out.set(values.subarray(rowToUnique[i] * width, (rowToUnique[i] + 1) * width), i * width);
  }
  return out;
}

import { checkInt } from './validate.ts';

/**
 * Shingling (Kinesis shingleSize): a series of `dims`-value rows becomes points of its last `size` rows,
 * oldest first, so the forest sees shapes rather than single values.
 */
export class Shingler {
  private ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly dims: number, readonly size: number) {
    checkInt(size, 'shingleSize', 1, 1 << 16);
    this.ring = new Float64Array(dims * size);
  }

  get full(): boolean {
    return this.filled === this.size;
  }

  push(rows: Float64Array, row: number): void {
    this.ring.set(rows.subarray(row * this.dims, (row + 1) * this.dims), this.next * this.dims);
    this.next = (this.next + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }

  /** Writes the current shingle (size·dims values, oldest row first) to out. */
  write(out: Float64Array): void {
    const split = this.next * this.dims;
    out.set(this.ring.subarray(split), 0);
    out.set(this.ring.subarray(0, split), this.ring.length - split);
  }
}

/** All full shingles of a series at once: (n − size + 1) rows of size·dims values. */
export function shingle(rows: Float64Array, dims: number, size: number): Float64Array {
  const n = rows.length / dims;
  const count = Math.max(0, n - size + 1);
  const width = size * dims;
  const out = new Float64Array(count * width);
  for (let i = 0; i < count; i++) out.set(rows.subarray(i * dims, i * dims + width), i * width);
  return out;
}

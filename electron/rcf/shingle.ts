import { RcfInputError } from './errors.ts';
import { checkInt } from './validate.ts';

/** A shingler's whole state: the ring of the last `size` rows, where the next row goes, how many are in. */
export interface ShinglerState {
  ring: Float64Array;
  next: number;
  filled: number;
}

/**
 * Shingling (Kinesis shingleSize): a series of `dims`-value rows becomes points of its last `size` rows,
 * oldest first, so the forest sees shapes rather than single values.
 */
export class Shingler {
  private ring: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly dims: number,
    readonly size: number,
  ) {
    checkInt(size, 'shingleSize', 1, 1 << 16);
    this.ring = new Float64Array(dims * size);
  }

  /** The live state (not a copy); see restore. */
  get state(): ShinglerState {
    return { ring: this.ring, next: this.next, filled: this.filled };
  }

  /** A shingler that goes on from a saved state (which it takes over). */
  static restore(dims: number, size: number, state: ShinglerState): Shingler {
    const s = new Shingler(dims, size);
    if (state.ring.length !== s.ring.length || !(state.next >= 0 && state.next < size) || !(state.filled >= 0 && state.filled <= size)) {
      throw new RcfInputError('the shingle state does not fit the shingle size');
    }
    s.ring = state.ring;
    s.next = state.next;
    s.filled = state.filled;
    return s;
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

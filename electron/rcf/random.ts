import { RcfInputError } from './errors.ts';

/**
 * Seeded PRNG: xoshiro128** with splitmix32 seeding. Pure 32-bit integer math, so a seed gives the same
 * stream on every platform and in every worker — the basis of "deterministic for a given seed".
 */

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 4294967296;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `stream` gives independent sequences from one seed: tree t of a forest uses stream t, so a tree is
   * the same whichever worker builds it and however many trees the forest has.
   */
  constructor(seed: number, stream = 0) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let x = mix32(lo ^ mix32(hi ^ mix32(stream >>> 0)));
    this.a = x = mix32(x);
    this.b = x = mix32(x);
    this.c = x = mix32(x);
    this.d = mix32(x);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** The generator's four state words, to save a stream mid-way and go on later (fromState). */
  state(): Uint32Array {
    return Uint32Array.of(this.a, this.b, this.c, this.d);
  }

  /** A generator that continues exactly where the one whose state() this is stopped. */
  static fromState(words: ArrayLike<number>): Rng {
    if (words.length !== 4 || (words[0] | words[1] | words[2] | words[3]) === 0) throw new RcfInputError('not a random generator state');
    const rng = new Rng(0);
    rng.a = words[0] | 0;
    rng.b = words[1] | 0;
    rng.c = words[2] | 0;
    rng.d = words[3] | 0;
    return rng;
  }

  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits, so cut values resolve as finely as the doubles they split. */
  next(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

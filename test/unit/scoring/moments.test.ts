import { describe, expect, it } from 'vitest';
import { ExactMoments } from '../../../electron/scoring/moments.ts';

/** Σq and Σq² the plain way, one BigInt per score: what the block sums must equal. */
function reference(scores: number[]) {
  let sum = 0n;
  let squares = 0n;
  for (const s of scores) {
    const q = BigInt(Math.round(s * 1e9));
    sum += q;
    squares += q * q;
  }
  const n = scores.length;
  const mean = Number(sum) / 1e9 / n;
  return { mean, sd: Math.sqrt(Math.max(0, Number(squares) / 1e18 / n - mean * mean)) };
}

function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('exact score moments', () => {
  it('match one-BigInt-per-score sums, whatever the order and batching of the scores', () => {
    const next = random(7);
    const scores = Array.from({ length: 10_001 }, () => 0.5 + 3 * next() ** 3);
    const want = reference(scores);
    const a = new ExactMoments();
    a.add(Float64Array.from(scores));
    const shuffled = [...scores].sort(() => next() - 0.5);
    const b = new ExactMoments();
    for (let i = 0; i < shuffled.length; i += 777) b.add(Float64Array.from(shuffled.slice(i, i + 777)));
    const ra = a.result();
    expect(ra).toEqual(b.result());
    expect(ra.count).toBe(scores.length);
    expect(ra.mean).toBe(want.mean);
    expect(ra.sd).toBe(want.sd);
    expect(ra.min).toBe(Math.min(...scores));
    expect(ra.max).toBe(Math.max(...scores));
  });

  it('stay exact past the fast range (negative or huge scores) and refuse non-finite ones', () => {
    const scores = [1.25, -2.5, 4e6, 0, 999.999999999, 1000];
    const m = new ExactMoments();
    m.add(Float64Array.from(scores));
    const want = reference(scores);
    expect(m.result().mean).toBe(want.mean);
    expect(m.result().sd).toBe(want.sd);
    expect(() => new ExactMoments().add(Float64Array.from([1, NaN]))).toThrow(/row 2: scores must be finite/);
    expect(new ExactMoments().result()).toEqual({ count: 0, mean: 0, sd: 0, min: 0, max: 0 });
  });
});

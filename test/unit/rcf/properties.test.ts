import { describe, expect, it } from 'vitest';
import {
  RcfInputError,
  attributeForest,
  attributionScores,
  deserializeForest,
  scoreForest,
  scorePoints,
  serializeForest,
  trainForest,
} from '../../../electron/rcf/index.ts';
import { Rng } from '../../../electron/rcf/random.ts';

/** n Gaussian-ish rows (sum of uniforms) around 0 with sd about 1 per dimension. */
function cloud(n: number, dims: number, seed = 1): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n * dims);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() + rng.next() + rng.next() - 1.5;
  return out;
}

function withRow(points: Float64Array, row: number[]): Float64Array {
  const out = new Float64Array(points.length + row.length);
  out.set(points);
  out.set(row, points.length);
  return out;
}

describe('scores', () => {
  for (const dims of [1, 2, 30]) {
    it(`a far outlier scores above every inlier (${dims}-D)`, () => {
      const pts = withRow(cloud(2000, dims), Array(dims).fill(25));
      const scores = scoreForest(trainForest(pts, dims, { numTrees: 50, samplesPerTree: 256, seed: 3 }), pts);
      const outlier = scores[scores.length - 1];
      const maxInlier = Math.max(...scores.subarray(0, scores.length - 1));
      expect(outlier).toBeGreaterThan(maxInlier);
      // On AWS's scale inliers sit near 1.
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      expect(mean).toBeGreaterThan(0.5);
      expect(mean).toBeLessThan(1.5);
    });
  }

  it('identical rows score identically, and a heavily repeated point scores low', () => {
    const base = cloud(1000, 2);
    const repeated = new Float64Array(400).fill(0.25);
    const pts = new Float64Array(base.length + repeated.length);
    pts.set(base);
    pts.set(repeated, base.length);
    const scores = scoreForest(trainForest(pts, 2, { numTrees: 50, seed: 4 }), pts);
    const dup = scores.subarray(1000);
    expect(new Set(dup).size).toBe(1);
    const sorted = Float64Array.from(scores.subarray(0, 1000)).sort();
    expect(dup[0]).toBeLessThan(sorted[100]); // below the inliers' 10th percentile
  });

  it('de-duplication does not change any score', () => {
    const rng = new Rng(9);
    const pts = new Float64Array(6000);
    for (let i = 0; i < pts.length; i++) pts[i] = Math.floor(rng.next() * 20); // a 20 × 20 grid: many repeats
    const forest = trainForest(pts, 2, { numTrees: 30, seed: 1 });
    expect(scoreForest(forest, pts)).toEqual(scorePoints(forest, pts));
  });

  for (const dims of [1, 2, 3]) {
    it(`the grid shortcut and Z-ordering of large batches change no score (${dims}-D)`, () => {
      // Small batches are scored from the root in input order; large ones take both shortcuts.
      const rng = new Rng(dims);
      const pts = Float64Array.from({ length: 20000 * dims }, (_, i) => (i % 3 ? Math.floor(rng.next() * 130) : rng.next() * 130));
      const forest = trainForest(pts, dims, { numTrees: 25, samplesPerTree: 200, seed: 8 });
      const pieces = new Float64Array(20000);
      for (let from = 0; from < 20000; from += 4000) pieces.set(scorePoints(forest, pts.subarray(from * dims, (from + 4000) * dims)), from);
      expect(scorePoints(forest, pts)).toEqual(pieces);
      // Points far outside the forest's box land in the edge cells.
      const far = Float64Array.from({ length: 9000 * dims }, () => (rng.next() - 0.5) * 1000);
      const farPieces = new Float64Array(9000);
      for (let from = 0; from < 9000; from += 3000) farPieces.set(scorePoints(forest, far.subarray(from * dims, (from + 3000) * dims)), from);
      expect(scorePoints(forest, far)).toEqual(farPieces);
    });
  }

  it('a constant column changes nothing, and a row off that constant stands out', () => {
    const xy = cloud(1500, 2);
    const xyc = new Float64Array(1500 * 3);
    for (let i = 0; i < 1500; i++) xyc.set([xy[2 * i], xy[2 * i + 1], 7], 3 * i);
    const params = { numTrees: 40, samplesPerTree: 128, seed: 5 };
    const a = scoreForest(trainForest(xy, 2, params), xy);
    const withConst = trainForest(xyc, 3, params);
    expect(scoreForest(withConst, xyc)).toEqual(a);
    const [off] = scorePoints(withConst, Float64Array.from([0, 0, 8]));
    expect(off).toBeGreaterThan(Math.max(...a));
  });

  it('one row: the forest is a single leaf', () => {
    const forest = trainForest(Float64Array.from([1, 2]), 2, { numTrees: 10 });
    const [same, other] = scorePoints(forest, Float64Array.from([1, 2, 3, 4]));
    expect(same).toBeCloseTo(0.5, 12); // (1 − 1/2)/(0 + 1) · log2(2)
    expect(other).toBeCloseTo(1, 12); // 1/(0 + 1) · log2(2)
  });

  it('more dimensions than rows still scores', () => {
    const pts = cloud(5, 40);
    const scores = scoreForest(trainForest(pts, 40, { numTrees: 20 }), pts);
    expect(scores).toHaveLength(5);
    for (const s of scores) expect(Number.isFinite(s)).toBe(true);
  });

  it('scoring zero rows gives zero scores', () => {
    const forest = trainForest(cloud(10, 2), 2, { numTrees: 5 });
    expect(scoreForest(forest, new Float64Array(0))).toHaveLength(0);
  });
});

describe('bad input', () => {
  it('zero rows cannot train', () => {
    expect(() => trainForest(new Float64Array(0), 2)).toThrow(RcfInputError);
    expect(() => trainForest(new Float64Array(0), 2)).toThrow(/zero rows/);
  });

  it('NaN and infinities are named by column and row', () => {
    const pts = cloud(20, 2);
    pts[17 * 2 + 1] = NaN;
    expect(() => trainForest(pts, 2)).toThrow(/column 1 row 17: NaN is not a number/);
    pts[17 * 2 + 1] = 0;
    pts[3 * 2] = -Infinity;
    expect(() => trainForest(pts, 2)).toThrow(/column 0 row 3: -Infinity/);
    const forest = trainForest(cloud(20, 2), 2, { numTrees: 5 });
    expect(() => scoreForest(forest, Float64Array.from([1, Infinity]))).toThrow(RcfInputError);
  });

  it('rows that do not match the dimensions, and bad hyperparameters', () => {
    expect(() => trainForest(new Float64Array(5), 2)).toThrow(/whole rows of 2/);
    expect(() => trainForest(cloud(10, 2), 2, { numTrees: 0 })).toThrow(/numTrees/);
    expect(() => trainForest(cloud(10, 2), 2, { samplesPerTree: 4096 })).toThrow(/samplesPerTree/);
    const forest = trainForest(cloud(10, 2), 2, { numTrees: 5 });
    expect(() => scorePoints(forest, new Float64Array(3))).toThrow(RcfInputError);
  });
});

describe('attribution', () => {
  it('the parts sum to the score, and point where the row is unusual', () => {
    const pts = withRow(cloud(1000, 3), [0, 9, 0]);
    const forest = trainForest(pts, 3, { numTrees: 50, seed: 2 });
    const attr = attributeForest(forest, pts);
    const scores = scoreForest(forest, pts);
    const sums = attributionScores(attr, 3);
    for (let i = 0; i < scores.length; i++) expect(sums[i]).toBeCloseTo(scores[i], 10);
    const last = attr.subarray(attr.length - 6);
    // The outlier is high in dimension 1: that part carries most of its score.
    expect(last[2]).toBeGreaterThan(0.8 * scores[scores.length - 1]);
  });
});

describe('determinism and serialisation', () => {
  const pts = cloud(3000, 2, 8);

  it('the same seed gives the same scores; another seed does not', () => {
    const a = scoreForest(trainForest(pts, 2, { seed: 11 }), pts);
    const b = scoreForest(trainForest(pts, 2, { seed: 11 }), pts);
    const c = scoreForest(trainForest(pts, 2, { seed: 12 }), pts);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('a forest survives bytes and back with identical scores', () => {
    const forest = trainForest(pts, 2, { numTrees: 60, samplesPerTree: 300, seed: 6 });
    const bytes = serializeForest(forest);
    // Loading from an unaligned offset of a larger buffer, as a file read may give it.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const back = deserializeForest(padded.subarray(3));
    expect(back.numTrees).toBe(60);
    expect(back.samplesPerTree).toBe(300);
    expect(scoreForest(back, pts)).toEqual(scoreForest(forest, pts));
    expect(attributeForest(back, pts)).toEqual(attributeForest(forest, pts));
  });

  it('corrupt or foreign bytes are refused', () => {
    const bytes = serializeForest(trainForest(pts, 2, { numTrees: 3 }));
    expect(() => deserializeForest(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    expect(() => deserializeForest(new TextEncoder().encode('definitely not a forest, just some text'))).toThrow(/not an RCF model/);
  });
});

import { describe, expect, it } from 'vitest';
import { StreamingForest, shingle } from '../../../electron/rcf/index.ts';
import { Shingler } from '../../../electron/rcf/shingle.ts';
import { Rng } from '../../../electron/rcf/random.ts';

function noise(n: number, center: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => center + rng.next() - 0.5);
}

function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('StreamingForest', () => {
  it('outputs 0 until outputAfter rows have been seen, then scores', () => {
    const scores = new StreamingForest(1, { numTrees: 10, samplesPerTree: 64, seed: 1 }).process(noise(100, 0, 1));
    expect(Array.from(scores.subarray(0, 16))).toEqual(Array(16).fill(0)); // default outputAfter = 64/4
    for (const s of scores.subarray(16)) expect(s).toBeGreaterThan(0);
  });

  it('with shingling, waits for the first full shingle to be learned', () => {
    const f = new StreamingForest(1, { numTrees: 10, samplesPerTree: 64, shingleSize: 30, outputAfter: 5, seed: 1 });
    const scores = f.process(noise(60, 0, 2));
    // Row 29 completes the first shingle, which meets empty trees (score 0) and is learned; row 30 is scored.
    expect(scores.findIndex((s) => s > 0)).toBe(30);
  });

  it('time decay forgets an old regime; without decay the old regime stays in the sample', () => {
    const history = concat(noise(3000, 0, 3), noise(6000, 100, 4));
    const probe = Float64Array.from([0]);
    const scoreProbe = (timeDecay: number) => {
      const f = new StreamingForest(1, { numTrees: 50, samplesPerTree: 128, timeDecay, seed: 5 });
      f.process(history);
      return f.process(probe)[0];
    };
    const decayed = scoreProbe(1 / (10 * 128));
    const remembered = scoreProbe(0);
    expect(decayed).toBeGreaterThan(2); // an anomaly now
    expect(remembered).toBeLessThan(1.5); // a third of the sample is still near 0
  });

  it('flags a spike in a noisy seasonal series', () => {
    const series = Float64Array.from({ length: 3000 }, (_, t) => Math.sin((2 * Math.PI * t) / 50) + 0.05 * Math.sin(t * 12.9898));
    series[2500] += 3;
    const scores = new StreamingForest(1, { numTrees: 50, samplesPerTree: 256, shingleSize: 8, seed: 6 }).process(series);
    const spike = Math.max(...scores.subarray(2500, 2508));
    expect(spike).toBeGreaterThan(Math.max(...scores.subarray(1000, 2490)));
  });

  it('is deterministic per seed, and tree slices sum to the whole forest', () => {
    const rows = concat(noise(1500, 0, 7), noise(500, 5, 8));
    const params = { numTrees: 12, samplesPerTree: 64, shingleSize: 4, seed: 9 };
    const whole = new StreamingForest(1, params).processSums(rows);
    expect(new StreamingForest(1, params).processSums(rows)).toEqual(whole);
    const a = new StreamingForest(1, params, { from: 0, to: 5 }).processSums(rows);
    const b = new StreamingForest(1, params, { from: 5, to: 12 }).processSums(rows);
    for (let i = 0; i < rows.length; i++) expect(a[i] + b[i]).toBeCloseTo(whole[i], 10);
  });

  it('handles a constant stream (every point a duplicate) and multi-column rows', () => {
    const constant = new StreamingForest(1, { numTrees: 5, samplesPerTree: 32, seed: 1 }).process(new Float64Array(500).fill(4));
    // Every tree is one leaf holding all M copies: (1 − M/2M) / log2(M+1) · log2(M+1) = 0.5.
    for (const s of constant.subarray(100)) expect(s).toBeCloseTo(0.5, 12);
    const rows = concat(noise(1000, 0, 10), noise(1000, 3, 11)); // read as 1000 rows of 2 columns
    const scores = new StreamingForest(2, { numTrees: 10, samplesPerTree: 64, shingleSize: 3, seed: 2 }).process(rows);
    expect(scores).toHaveLength(1000);
    for (const s of scores) expect(Number.isFinite(s)).toBe(true);
  });

  it('refuses NaN rows and bad parameters', () => {
    expect(() => new StreamingForest(1).process(Float64Array.from([1, NaN]))).toThrow(/row 1: NaN/);
    expect(() => new StreamingForest(1, { shingleSize: 0 })).toThrow(/shingleSize/);
    expect(() => new StreamingForest(1, { timeDecay: -1 })).toThrow(/timeDecay/);
  });
});

describe('StreamingForest attribution', () => {
  /** rows of `measures` noisy columns with a spike of +size in column `col` at row `at`. */
  function multi(n: number, measures: number, seed: number, spike?: { at: number; col: number; size: number }): Float64Array {
    const rng = new Rng(seed);
    const rows = Float64Array.from({ length: n * measures }, (_, x) => 10 * (x % measures) + Math.sin(((x / measures) | 0) / 7) + 0.2 * rng.next());
    if (spike) rows[spike.at * measures + spike.col] += spike.size;
    return rows;
  }

  it('is n × 2·dims, sums to the score (the same score as process), and is 0 until ready', () => {
    const params = { numTrees: 20, samplesPerTree: 64, shingleSize: 3, seed: 3 };
    const rows = multi(600, 2, 1);
    const f = new StreamingForest(2, params);
    expect(f.dims).toBe(6);
    const { scores, attribution } = f.processWithAttribution(rows);
    expect(scores).toHaveLength(600);
    expect(attribution).toHaveLength(600 * 12);
    const plain = new StreamingForest(2, params).process(rows);
    for (let i = 0; i < 600; i++) {
      let sum = 0;
      for (let x = 0; x < 12; x++) {
        expect(attribution[i * 12 + x]).toBeGreaterThanOrEqual(0);
        sum += attribution[i * 12 + x];
      }
      expect(sum).toBeCloseTo(scores[i], 12);
      expect(scores[i]).toBeCloseTo(plain[i], 10);
    }
    expect(Array.from(scores.subarray(0, 16))).toEqual(Array(16).fill(0)); // outputAfter = 64/4
    expect(Array.from(attribution.subarray(0, 16 * 12))).toEqual(Array(16 * 12).fill(0));
    expect(scores[16]).toBeGreaterThan(0);
  });

  it('puts a spike in one measure of a multi-measure stream on that measure, on the high side', () => {
    const measures = 3;
    const shingleSize = 4;
    const at = 1500;
    const rows = multi(2000, measures, 2, { at, col: 1, size: 8 });
    const { scores, attribution } = new StreamingForest(measures, { numTrees: 50, samplesPerTree: 128, shingleSize, seed: 4 }).processWithAttribution(rows);
    const width = 2 * measures * shingleSize;
    // Every shingle holding the spike: its share of the score on measure 1, and how much is "high".
    for (let i = at; i < at + shingleSize; i++) {
      const byMeasure = [0, 0, 0];
      let high = 0;
      for (let j = 0; j < measures * shingleSize; j++) {
        byMeasure[j % measures] += attribution[i * width + 2 * j] + attribution[i * width + 2 * j + 1];
        if (j % measures === 1) high += attribution[i * width + 2 * j];
      }
      expect(scores[i]).toBeGreaterThan(2);
      expect(byMeasure[1] / scores[i], `row ${i}`).toBeGreaterThan(0.8);
      expect(high / byMeasure[1]).toBeGreaterThan(0.9);
      // ...and on the shingle position that holds the spike (row `at`, position at − i + shingleSize − 1).
      const pos = at - i + shingleSize - 1;
      const j = pos * measures + 1;
      expect(attribution[i * width + 2 * j] / scores[i]).toBeGreaterThan(0.5);
    }
  });

  it('is deterministic per seed, differs across seeds, and tree slices sum to the whole forest', () => {
    const rows = multi(800, 2, 5, { at: 700, col: 0, size: -5 });
    const params = { numTrees: 12, samplesPerTree: 64, shingleSize: 2, seed: 9 };
    const whole = new StreamingForest(2, params).processAttributionSums(rows);
    expect(new StreamingForest(2, params).processAttributionSums(rows)).toEqual(whole);
    expect(new StreamingForest(2, { ...params, seed: 10 }).processAttributionSums(rows)).not.toEqual(whole);
    const a = new StreamingForest(2, params, { from: 0, to: 7 }).processAttributionSums(rows);
    const b = new StreamingForest(2, params, { from: 7, to: 12 }).processAttributionSums(rows);
    for (let x = 0; x < whole.length; x++) expect(a[x] + b[x]).toBeCloseTo(whole[x], 10);
    // Sums over trees, like processSums: their totals per row are the tree-score sums.
    const sums = new StreamingForest(2, params).processSums(rows);
    const width = 8;
    for (let i = 0; i < 800; i++) {
      let s = 0;
      for (let x = 0; x < width; x++) s += whole[i * width + x];
      expect(s).toBeCloseTo(sums[i], 9);
    }
  });

  it('continues the same stream across calls, and refuses a short output array', () => {
    const rows = multi(400, 2, 6);
    const params = { numTrees: 8, samplesPerTree: 32, shingleSize: 2, seed: 1 };
    const once = new StreamingForest(2, params).processWithAttribution(rows);
    const f = new StreamingForest(2, params);
    const first = f.processWithAttribution(rows.subarray(0, 300 * 2));
    const rest = f.processWithAttribution(rows.subarray(300 * 2));
    expect(Array.from(first.attribution)).toEqual(Array.from(once.attribution.subarray(0, 300 * 8)));
    expect(Array.from(rest.attribution)).toEqual(Array.from(once.attribution.subarray(300 * 8)));
    expect(() => new StreamingForest(2, params).processAttributionSums(rows, new Float64Array(10))).toThrow(/attribution array/);
  });
});

describe('shingling', () => {
  it('makes points of the last K rows, oldest first', () => {
    const rows = Float64Array.from([1, 2, 3, 4, 5]);
    expect(Array.from(shingle(rows, 1, 3))).toEqual([1, 2, 3, 2, 3, 4, 3, 4, 5]);
    const s = new Shingler(1, 3);
    const out = new Float64Array(3);
    for (let i = 0; i < 5; i++) s.push(rows, i);
    s.write(out);
    expect(Array.from(out)).toEqual([3, 4, 5]);
    expect(shingle(rows, 1, 9)).toHaveLength(0);
  });
});

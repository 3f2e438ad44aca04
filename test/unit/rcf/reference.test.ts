import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamingForest, mean, scoreForest, spearman, trainForest } from '../../../electron/rcf/index.ts';

/**
 * Agreement with AWS randomcutforest-core 4.3 (Java) on the inputs of test/fixtures/rcf-reference (see its
 * README). Two Java runs with different seeds come within: batch Spearman 0.975–0.987, mean 0.4–1.1%;
 * streaming Spearman 0.81. An implementation of the same algorithm should come as close.
 */
const dir = new URL('../../fixtures/rcf-reference/', import.meta.url);

function csvColumns(name: string): number[][] {
  const lines = readFileSync(new URL(name, dir), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => l.split(',').map(Number));
}

const points = (() => {
  const rows = csvColumns('points2d.csv');
  const out = new Float64Array(rows.length * 2);
  rows.forEach((r, i) => out.set([r[0], r[1]], 2 * i));
  return out;
})();

describe('batch agreement with AWS randomcutforest 4.3', { timeout: 30000 }, () => {
  for (const [trees, samples] of [
    [100, 256],
    [200, 1000],
  ]) {
    it(`T=${trees}, S=${samples}: Spearman ≥ 0.95, mean within 5%`, () => {
      const java = csvColumns(`points2d.java.T${trees}_S${samples}.csv`).map((r) => r[1]);
      const ours = scoreForest(trainForest(points, 2, { numTrees: trees, samplesPerTree: samples, seed: 42 }), points);
      expect(spearman(ours, java)).toBeGreaterThanOrEqual(0.95);
      expect(Math.abs(mean(ours) / mean(java) - 1)).toBeLessThan(0.05);
    });
  }

  it('at mean + 3σ the 40 planted outliers are all flagged', () => {
    const outlier = csvColumns('points2d.csv').map((r) => r[2]);
    const scores = scoreForest(trainForest(points, 2, { numTrees: 100, samplesPerTree: 256, seed: 42 }), points);
    const m = mean(scores);
    const sd = Math.sqrt(mean(scores.map((s) => (s - m) ** 2)));
    const flagged = outlier.filter((o, i) => o === 1 && scores[i] >= m + 3 * sd).length;
    expect(flagged).toBe(40);
  });
});

// 10,080 rows × 100 trees of 48-D points: a few seconds of work, more on a busy machine.
describe('streaming agreement with AWS randomcutforest 4.3 (shingle 48)', { timeout: 60000 }, () => {
  it("Spearman ≥ 0.75 and mean within 10% over the rows Java scores; output starts where Java's does", () => {
    const series = Float64Array.from(csvColumns('series.csv').map((r) => r[1]));
    const java = csvColumns('series.java.T100_S256_K48.csv');
    const ours = new StreamingForest(1, { numTrees: 100, samplesPerTree: 256, shingleSize: 48, seed: 42 }).process(series);
    const ready = java.map((r, i) => (r[2] === 1 ? i : -1)).filter((i) => i >= 0);
    expect(ours.findIndex((s) => s > 0)).toBe(ready[0]);
    const a = ready.map((i) => ours[i]);
    const b = ready.map((i) => java[i][1]);
    expect(spearman(a, b)).toBeGreaterThanOrEqual(0.75);
    expect(Math.abs(mean(a) / mean(b) - 1)).toBeLessThan(0.1);
  });
});

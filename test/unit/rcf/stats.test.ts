import { describe, expect, it } from 'vitest';
import { cutoff, mean, ranks, sd, spearman } from '../../../electron/rcf/stats.ts';

describe('stats', () => {
  const scores = [0.8, 1.0, 1.2, 0.9, 3.1];

  it('mean and population sd', () => {
    expect(mean(scores)).toBeCloseTo(1.4, 12);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('cut-offs: mean + k·sd, top N (ties included), fixed', () => {
    expect(cutoff(scores, { kind: 'sigma', k: 1 })).toBeCloseTo(mean(scores) + sd(scores), 12);
    expect(cutoff(scores, { kind: 'topN', n: 2 })).toBe(1.2);
    expect(cutoff(scores, { kind: 'topN', n: 10 })).toBe(-Infinity);
    expect(cutoff(scores, { kind: 'topN', n: 0 })).toBe(Infinity);
    expect(cutoff(scores, { kind: 'fixed', score: 2.5 })).toBe(2.5);
  });

  it('Spearman: ranks with ties averaged; monotone maps give 1, reversals −1', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { mean, moments, ranks, sd, spearman } from '../../../electron/rcf/stats.ts';

describe('stats', () => {
  const scores = [0.8, 1.0, 1.2, 0.9, 3.1];

  it('mean and population sd', () => {
    expect(mean(scores)).toBeCloseTo(1.4, 12);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('moments in one pass: finite values only, empty is 0 (mean and sd of nothing are NaN)', () => {
    expect(moments([2, 4, NaN, 4, 4, 5, Infinity, 5, 7, 9])).toEqual({ count: 8, mean: 5, sd: 2 });
    expect(moments([])).toEqual({ count: 0, mean: 0, sd: 0 });
    expect(mean([])).toBeNaN();
    expect(sd([NaN])).toBeNaN();
  });

  it('Spearman: ranks with ties averaged; monotone maps give 1, reversals −1', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });
});

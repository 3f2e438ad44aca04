import { describe, expect, it } from 'vitest';
import { formatCutoff, parseCutoff, parseThreshold } from '../../../shared/cutoff.ts';

describe('cut-off rules', () => {
  it('reads the lab, taxi-blog, top-N and fixed-score forms', () => {
    expect(parseCutoff('mean+1.5sd')).toEqual({ kind: 'sigma', k: 1.5 });
    expect(parseCutoff(' Mean + 3σ ')).toEqual({ kind: 'sigma', k: 3 });
    expect(parseCutoff('top:500')).toEqual({ kind: 'topN', n: 500 });
    expect(parseCutoff('top20')).toEqual({ kind: 'topN', n: 20 });
    expect(parseCutoff('score:3.2')).toEqual({ kind: 'fixed', score: 3.2 });
    expect(parseCutoff('2.75')).toEqual({ kind: 'fixed', score: 2.75 });
  });

  it('round-trips through its text form', () => {
    for (const t of ['mean+1.5sd', 'mean+3sd', 'top:100', 'score:-0.5']) expect(formatCutoff(parseCutoff(t))).toBe(t);
  });

  it('refuses anything else with the forms it accepts', () => {
    for (const bad of ['', 'median', 'top:0', 'mean-1sd', 'score:abc']) expect(() => parseCutoff(bad)).toThrow(/mean\+Ksd.*top:N.*score:S/);
  });

  it("is one grammar with the streams threshold: each reads the other's spellings, and refuses the form it has no use for", () => {
    expect(parseCutoff('3sigma')).toEqual({ kind: 'sigma', k: 3 });
    expect(parseThreshold('score:2.5')).toEqual({ kind: 'score', value: 2.5 });
    expect(parseThreshold('mean+1.5sd')).toEqual({ kind: 'sigma', k: 1.5 });
    expect(() => parseCutoff('auto')).toThrow(/mean\+Ksd/);
    expect(() => parseThreshold('top:5')).toThrow(/neither auto/);
  });
});

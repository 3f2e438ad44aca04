import { describe, expect, it } from 'vitest';
import { StreamingForest } from '../../../electron/rcf/index.ts';
import { Rng } from '../../../electron/rcf/random.ts';
import { resolveForest } from '../../../electron/streams/definition.ts';
import { scoreKeyStream } from '../../../electron/streams/streamScore.ts';

function windows(n: number, measures: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * measures }, (_, x) => 5 * (x % measures) + Math.cos(((x / measures) | 0) / 5) + 0.3 * rng.next());
}

describe('scoreKeyStream (the rcf library streaming forest)', () => {
  it('is NaN before outputAfter and the first learned shingle, then the library scores', () => {
    const settings = resolveForest({ numTrees: 20, samplesPerTree: 64, shingleSize: 4, outputAfter: 2, seed: 3 });
    const points = windows(500, 2, 1);
    const { scores, attribution: a } = scoreKeyStream(points, 2, settings);
    const attribution = a!;
    // outputAfter 2 < shingle 4: window 3 completes the first shingle (learned, not scored); window 4 is scored.
    expect(scores.findIndex((s) => Number.isFinite(s))).toBe(4);
    expect(Array.from(attribution.subarray(0, 8))).toEqual(Array(8).fill(0));
    const lib = new StreamingForest(2, settings).process(points);
    for (let t = 4; t < 500; t++) expect(scores[t]).toBeCloseTo(lib[t], 10);
    const later = scoreKeyStream(points, 2, { ...settings, outputAfter: 64 });
    expect(later.scores.findIndex((s) => Number.isFinite(s))).toBe(64);
  });

  it('splits each score over the measures (high and low, all shingle positions), summing to it', () => {
    const points = windows(600, 3, 2);
    points[450 * 3 + 2] -= 6; // a dip in measure 2
    const { scores, attribution: a } = scoreKeyStream(points, 3, resolveForest({ numTrees: 30, samplesPerTree: 128, shingleSize: 2, seed: 5 }));
    const attribution = a!;
    for (let t = 32; t < 600; t++) expect(attribution[t * 3] + attribution[t * 3 + 1] + attribution[t * 3 + 2]).toBeCloseTo(scores[t], 10);
    expect(attribution[450 * 3 + 2] / scores[450]).toBeGreaterThan(0.8);
  });

  it('carries on from a saved forest: saved before the last window, resumed, the same scores as one call', () => {
    const settings = resolveForest({ numTrees: 15, samplesPerTree: 48, shingleSize: 3, outputAfter: 6, seed: 8 });
    const points = windows(300, 2, 4);
    const once = scoreKeyStream(points, 2, settings);
    // Stops at 4 (before any output), 100 and 299 (one window left): each time the last window is held back.
    let state: Uint8Array | undefined;
    let at = 0;
    const scores: number[] = [];
    const attribution: number[] = [];
    for (const end of [5, 101, 300, 300]) {
      const part = scoreKeyStream(points.subarray(at * 2, end * 2), 2, settings, { resume: state, save: true });
      // The held-back window is scored now and again in the next part; keep the later score.
      scores.splice(at, Infinity, ...part.scores);
      attribution.splice(at * 2, Infinity, ...part.attribution!);
      state = part.state;
      at = Math.max(at, end - 1);
    }
    expect(scores).toEqual(Array.from(once.scores));
    expect(attribution).toEqual(Array.from(once.attribution!));
    expect(() => scoreKeyStream(points, 2, { ...settings, seed: 9 }, { resume: state })).toThrow(/other settings/);
    expect(() => scoreKeyStream(points.subarray(0, 30), 3, settings, { resume: state })).toThrow(/other settings or measures/);
  });
});

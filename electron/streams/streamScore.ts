import type { ForestSettings } from '../../shared/api/streams.ts';
import { StreamingForest } from '../rcf/index.ts';

export interface KeyScores {
  /** One per window; NaN until the forest outputs (outputAfter points and a full shingle). */
  scores: Float64Array;
  /** windows × measures: each window's score split by measure (summed over shingle positions). */
  attribution: Float64Array;
}

/**
 * One key's windows through one streaming forest (the library's), in time order: each full shingle is
 * scored, then learned (Kinesis RANDOM_CUT_FOREST's score-then-update). `points` holds `measures` values
 * per window. Window t gets a score once t ≥ outputAfter and at least one shingle has been learned
 * (t ≥ shingleSize); before that it is NaN.
 */
export function scoreKeyStream(points: Float64Array, measures: number, settings: ForestSettings): KeyScores {
  const forest = new StreamingForest(measures, {
    numTrees: settings.numTrees,
    samplesPerTree: settings.samplesPerTree,
    shingleSize: settings.shingleSize,
    timeDecay: settings.timeDecay,
    outputAfter: settings.outputAfter,
    seed: settings.seed,
  });
  const n = points.length / measures;
  const { scores: raw, attribution: parts } = forest.processWithAttribution(points);
  const scores = new Float64Array(n).fill(NaN);
  const attribution = new Float64Array(n * measures);
  const width = 2 * forest.dims;
  const first = Math.max(settings.outputAfter, settings.shingleSize);
  for (let t = first; t < n; t++) {
    scores[t] = raw[t];
    // Point dimension j is measure j % measures of one shingle row; high and low parts both count.
    const o = t * width;
    for (let j = 0; j < forest.dims; j++) attribution[t * measures + (j % measures)] += parts[o + 2 * j] + parts[o + 2 * j + 1];
  }
  return { scores, attribution };
}

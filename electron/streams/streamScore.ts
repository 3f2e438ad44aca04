import type { ForestSettings } from '../../shared/api/streams.ts';
import { StreamingForest } from './streamingForest.ts';

export interface KeyScores {
  /** One per window; NaN until the forest outputs (outputAfter points and a full shingle). */
  scores: Float64Array;
  /** windows × measures: each window's score split by measure (summed over shingle positions). */
  attribution: Float64Array;
}

/**
 * One key's windows through one streaming forest, in time order: each full shingle is scored, then
 * inserted (Kinesis RANDOM_CUT_FOREST's score-then-update). `points` holds `measures` values per window.
 */
export function scoreKeyStream(points: Float64Array, measures: number, settings: ForestSettings): KeyScores {
  const n = points.length / measures;
  const shingle = settings.shingleSize;
  const dims = shingle * measures;
  const scores = new Float64Array(n).fill(NaN);
  const attribution = new Float64Array(n * measures);
  const forest = new StreamingForest(
    { dims, stride: measures, numTrees: settings.numTrees, samplesPerTree: settings.samplesPerTree, timeDecay: settings.timeDecay, seed: settings.seed },
    points,
  );
  const perDim = new Float64Array(dims);
  for (let t = shingle - 1; t < n; t++) {
    const at = t - shingle + 1; // the shingle ending at window t
    if (t >= settings.outputAfter && forest.updateCount > 0) {
      scores[t] = forest.score(at, perDim);
      for (let d = 0; d < dims; d++) attribution[t * measures + (d % measures)] += perDim[d];
    }
    forest.update(at);
  }
  return { scores, attribution };
}

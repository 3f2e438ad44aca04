import { buildForest, scoreForest, scorePoints, serializeForest, trainForest } from '../../../electron/rcf/index.ts';
import type { PoolScorer } from '../../../electron/scoring/service.ts';

/** The RCF library called directly, on this thread: for tests of storage and cut-offs that need no pool. */
export const inProcessScorer: PoolScorer = {
  async openForest(samples, dims, params) {
    const forest = buildForest(samples, dims, params);
    return { model: serializeForest(forest), score: async (points) => scorePoints(forest, points), close() {} };
  },
  async scoreBatch(points, dims, params, opts) {
    const forest = trainForest(points, dims, params);
    const scores = scoreForest(forest, points);
    opts.onProgress?.(scores.length, scores.length);
    return { scores, model: serializeForest(forest) };
  },
  close() {},
};

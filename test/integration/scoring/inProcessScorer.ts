import { buildForest, scorePoints, serializeForest } from '../../../electron/rcf/index.ts';
import type { ScorerHandle } from '../../../electron/scoring/service.ts';

/** The RCF library called directly, on this thread: for tests of storage and cut-offs that need no pool. */
export const inProcessScorer: ScorerHandle = {
  async openForest(samples, dims, params) {
    const forest = buildForest(samples, dims, params);
    return { model: serializeForest(forest), score: async (points) => scorePoints(forest, points), close() {} };
  },
  close() {},
};

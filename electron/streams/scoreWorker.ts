import { parentPort } from 'node:worker_threads';
import { scoreKeyStream } from './streamScore.ts';

/**
 * Worker entry (built as streamWorker.js): scores one key's windows per message with the rcf library's
 * streaming forest, off the main thread.
 */
parentPort!.on('message', (m: { index: number; points: Float64Array; dims: number; forest: Parameters<typeof scoreKeyStream>[2] }) => {
  try {
    const r = scoreKeyStream(m.points, m.dims, m.forest);
    parentPort!.postMessage({ index: m.index, scores: r.scores, attribution: r.attribution }, [r.scores.buffer, r.attribution.buffer] as never);
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: (e as Error)?.message ?? String(e) });
  }
});

import { parentPort } from 'node:worker_threads';
import { scoreKeyStream, type KeyStreamOptions } from './streamScore.ts';

interface Job extends KeyStreamOptions {
  index: number;
  points: Float64Array;
  dims: number;
  forest: Parameters<typeof scoreKeyStream>[2];
}

/**
 * Worker entry (built as streamWorker.js): scores one key's windows per message with the rcf library's
 * streaming forest, off the main thread; with `save` it sends the forest back too.
 */
parentPort!.on('message', (m: Job) => {
  try {
    const r = scoreKeyStream(m.points, m.dims, m.forest, { resume: m.resume, save: m.save });
    const transfer = [r.scores.buffer, r.attribution.buffer, ...(r.state ? [r.state.buffer] : [])];
    parentPort!.postMessage({ index: m.index, scores: r.scores, attribution: r.attribution, state: r.state }, transfer as never);
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: (e as Error)?.message ?? String(e) });
  }
});

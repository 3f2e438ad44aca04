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
    const r = scoreKeyStream(m.points, m.dims, m.forest, { resume: m.resume, save: m.save, ...(m.detect ? { detect: m.detect } : {}) });
    const transfer = [r.scores, r.attribution, r.grades, r.state].filter((a) => a !== undefined).map((a) => a.buffer);
    parentPort!.postMessage({ index: m.index, ...r }, transfer as never);
  } catch (e) {
    parentPort!.postMessage({ index: m.index, error: (e as Error)?.message ?? String(e) });
  }
});

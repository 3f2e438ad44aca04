import { serveTasks } from '../util/taskWorker.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { scoreKeyStream } from './streamScore.ts';

/**
 * Worker entry (built as streamWorker.js): scores one key's windows per message with the rcf library's
 * streaming forest, off the main thread; with `save` it sends the forest back too.
 */
serveTasks<ToWorker, FromWorker>((m) => {
  const r = scoreKeyStream(m.points, m.dims, m.forest, { resume: m.resume, save: m.save, ...(m.detect ? { detect: m.detect } : {}) });
  return { type: 'scored', task: m.task, ...r };
});

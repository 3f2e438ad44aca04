import {
  attributePoints,
  attributionScores,
  buildForest,
  scorePoints,
  type Forest,
  dedupeRows,
  deserializeForest,
  serializeForest,
  StreamingForest,
} from '../rcf/index.ts';
import { serveTasks } from '../util/taskWorker.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** Scoring worker: trains forests, holds the current jobs' models, scores chunks. All state is per job. */
const models = new Map<number, Forest>();

function handle(msg: ToWorker): FromWorker | undefined {
  switch (msg.type) {
    case 'train':
      return { type: 'trained', task: msg.task, model: serializeForest(buildForest(msg.samples, msg.dims, msg.params)) };
    case 'dedupe':
      return { type: 'deduped', task: msg.task, ...dedupeRows(msg.points, msg.dims) };
    case 'load':
      models.set(msg.job, deserializeForest(msg.model));
      return undefined;
    case 'unload':
      models.delete(msg.job);
      return undefined;
    case 'score': {
      const forest = models.get(msg.job);
      if (!forest) throw new Error(`no model loaded for job ${msg.job}`);
      if (!msg.attribution) return { type: 'scored', task: msg.task, scores: scorePoints(forest, msg.points) };
      const attribution = attributePoints(forest, msg.points);
      return { type: 'scored', task: msg.task, scores: attributionScores(attribution, forest.dims), attribution };
    }
    case 'stream': {
      const forest = new StreamingForest(msg.dims, msg.params, msg.trees);
      return { type: 'streamed', task: msg.task, sums: forest.processSums(msg.rows) };
    }
  }
}

serveTasks(handle);

import { parentPort } from 'node:worker_threads';
import {
  attributePoints,
  attributionScores,
  buildForest,
  scorePoints,
  type Forest,
  dedupeRows,
  RcfInputError,
  deserializeForest,
  serializeForest,
  StreamingForest,
} from '../rcf/index.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** Scoring worker: trains forests, holds the current jobs' models, scores chunks. All state is per job. */
const port = parentPort;
if (!port) throw new Error('electron/scoring/scoreWorker.ts runs as a worker thread');

const models = new Map<number, Forest>();

function reply(msg: FromWorker): void {
  const transfer: ArrayBuffer[] = [];
  for (const v of Object.values(msg)) if (ArrayBuffer.isView(v)) transfer.push(v.buffer as ArrayBuffer);
  port!.postMessage(msg, transfer);
}

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

port.on('message', (msg: ToWorker) => {
  try {
    const out = handle(msg);
    if (out) reply(out);
  } catch (e) {
    // Bad input is the caller's to report; anything else is a bug, reported with its stack.
    const err = e as Error;
    const task = 'task' in msg ? msg.task : -1;
    reply({
      type: 'failed',
      task,
      name: err instanceof RcfInputError ? 'RcfInputError' : 'Error',
      message: err instanceof RcfInputError ? err.message : (err.stack ?? String(err)),
    });
  }
});

port.postMessage({ type: 'ready' } satisfies FromWorker);

import type { ForestParams, StreamingParams } from '../rcf/index.ts';
import type { FailedReply, ReadyReply } from '../util/workerPool.ts';

/** Messages between the scoring pool and its workers. Arrays travel as transferred buffers, never JSON. */
export type ToWorker =
  | { type: 'train'; task: number; samples: Float64Array; dims: number; params: ForestParams }
  | { type: 'dedupe'; task: number; points: Float64Array; dims: number }
  | { type: 'load'; job: number; model: Uint8Array }
  | { type: 'unload'; job: number }
  | { type: 'score'; task: number; job: number; points: Float64Array; attribution: boolean }
  | { type: 'stream'; task: number; rows: Float64Array; dims: number; params: StreamingParams; trees: { from: number; to: number } };

export type FromWorker =
  | ReadyReply
  | { type: 'trained'; task: number; model: Uint8Array }
  | { type: 'deduped'; task: number; unique: Float64Array; count: number; rowToUnique: Int32Array }
  | { type: 'scored'; task: number; scores: Float64Array; attribution?: Float64Array }
  | { type: 'streamed'; task: number; sums: Float64Array }
  | FailedReply;

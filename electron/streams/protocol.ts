import type { DetectorSettings, ForestSettings } from '../../shared/api/streams.ts';
import type { FailedReply, ReadyReply } from '../util/workerPool.ts';
import type { KeyScores } from './streamScore.ts';

/** Messages between scoreKeysInWorkers and its workers: one key's windows out, its scores back (arrays transferred). */
export type ToWorker = {
  type: 'key';
  task: number;
  /** The key's place in the caller's list. */
  index: number;
  points: Float64Array;
  dims: number;
  forest: ForestSettings;
  resume?: Uint8Array;
  save: boolean;
  detect?: DetectorSettings;
};

export type FromWorker = ReadyReply | ({ type: 'scored'; task: number } & KeyScores) | FailedReply;

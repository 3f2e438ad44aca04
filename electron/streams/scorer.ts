import { availableParallelism } from 'node:os';
import { ApiError } from '../../shared/api/envelope.ts';
import type { DetectorSettings, ForestSettings } from '../../shared/api/streams.ts';
import { createWorkerPool } from '../util/workerPool.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { KeyScores } from './streamScore.ts';

export interface KeyPoints {
  key: string;
  /** One row of `dims` measures per window, in time order. */
  points: Float64Array;
  /** The key's saved forest: `points` are the windows after the ones it has learned. */
  resume?: Uint8Array;
}

export interface ScoreKeysOptions {
  signal?: AbortSignal;
  workers?: number;
  /** Send back each key's forest as it was before its last window (KeyScores.state). */
  save?: boolean;
  /**
   * With `save`: the most saved-forest bytes to hold. Past it (projected from the first forest over all
   * keys, or reached), no key's forest is kept: a continue needs every key's, and a stream of thousands
   * of keys would otherwise hold gigabytes and spend minutes serialising.
   */
  saveBudgetBytes?: number;
  /** Score with the thresholded detector (grades and incidents back) instead of the plain forest. */
  detect?: DetectorSettings;
  onKeyDone?(windowsDone: number): void;
}

export type WindowScorer = (keys: KeyPoints[], dims: number, forest: ForestSettings, opts?: ScoreKeysOptions) => Promise<KeyScores[]>;

/** Worker entry: this folder's streamWorker.ts from source (CLI, vitest), the bundled streamWorker.js in a built app. */
const workerEntry = () => (import.meta.url.endsWith('.ts') ? new URL('./streamWorker.ts', import.meta.url) : new URL('./streamWorker.js', import.meta.url));

/**
 * Scores every key's windows with its own streaming forest (a fresh one, or the key's saved forest to
 * carry on from). A key's windows go in order through one worker; keys are independent, so they spread
 * over a few workers, largest first. The workers are a pool of their own for the call: a worker that dies
 * is replaced and its key retried once, and the first failure stops the rest.
 */
export const scoreKeysInWorkers: WindowScorer = async (keys, dims, forest, opts = {}) => {
  if (keys.length === 0) return [];
  const cancelled = () => new ApiError('CANCELLED', 'cancelled');
  if (opts.signal?.aborted) throw cancelled();
  const size = Math.max(1, Math.min(opts.workers ?? Math.min(2, availableParallelism()), keys.length));
  const order = keys.map((_, i) => i).sort((a, b) => keys[b].points.length - keys[a].points.length);
  const results: KeyScores[] = new Array(keys.length);
  let saving = !!opts.save;
  let savedBytes = 0;
  const budget = opts.saveBudgetBytes ?? Infinity;
  const keep = (state: Uint8Array | undefined): Uint8Array | undefined => {
    if (!saving || !state) return undefined;
    savedBytes += state.byteLength;
    if (savedBytes > budget || state.byteLength * keys.length > budget) {
      saving = false;
      for (const r of results) if (r) delete r.state;
      return undefined;
    }
    return state;
  };
  const pool = createWorkerPool<ToWorker, FromWorker>({
    size,
    entry: workerEntry(),
    name: 'stream scoring',
    failure: (reply, msg) => new ApiError('INTERNAL', `scoring "${keys[msg.index].key}" failed: ${reply.message}`),
    cancelled,
  });
  try {
    return await pool.run(opts.signal, async (job) => {
      await Promise.all(
        order.map(async (index) => {
          const { points, resume } = keys[index];
          // Copies, since the pool transfers them; `saving` is read as the key is sent, so keys after the budget is spent skip serialising.
          const make = (): ToWorker => ({
            type: 'key',
            task: 0,
            index,
            points: points.slice(),
            dims,
            forest,
            resume: resume?.slice(),
            save: saving,
            detect: opts.detect,
          });
          const r = await job.run(make);
          const state = keep(r.state);
          const { scores, attribution, grades, incidents } = r;
          results[index] = { scores, ...(attribution ? { attribution } : {}), ...(grades ? { grades, incidents } : {}), ...(state ? { state } : {}) };
          opts.onKeyDone?.(points.length / dims);
        }),
      );
      return results;
    });
  } finally {
    void pool.close();
  }
};

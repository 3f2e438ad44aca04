import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../../shared/api/envelope.ts';
import type { DetectorSettings, ForestSettings } from '../../shared/api/streams.ts';
import { startWorker } from '../util/worker.ts';
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

interface Reply extends Partial<KeyScores> {
  index: number;
  error?: string;
}

/**
 * Scores every key's windows with its own streaming forest (a fresh one, or the key's saved forest to
 * carry on from). A key's windows go in order through one worker; keys are independent, so they spread over a few workers, largest first.
 */
export const scoreKeysInWorkers: WindowScorer = (keys, dims, forest, opts = {}) => {
  const count = Math.max(1, Math.min(opts.workers ?? Math.min(2, availableParallelism()), keys.length));
  const order = keys.map((_, i) => i).sort((a, b) => keys[b].points.length - keys[a].points.length);
  const results: KeyScores[] = new Array(keys.length);
  const workers: Worker[] = [];
  return new Promise<KeyScores[]>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
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
    const stop = (e?: unknown) => {
      for (const w of workers) void w.terminate();
      opts.signal?.removeEventListener('abort', onAbort);
      if (e) {
        failed = true;
        reject(e);
      }
    };
    const onAbort = () => stop(new ApiError('CANCELLED', 'cancelled'));
    opts.signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker) => {
      if (next >= order.length) return;
      const index = order[next++];
      const { points, resume } = keys[index];
      w.postMessage({ index, points, dims, forest, resume, save: saving, detect: opts.detect });
    };
    if (keys.length === 0) return resolve([]);
    if (opts.signal?.aborted) return onAbort();
    for (let i = 0; i < count; i++) {
      const w = startWorker(workerEntry());
      workers.push(w);
      w.on('message', (r: Reply) => {
        if (failed) return;
        if (r.error !== undefined) return stop(new ApiError('INTERNAL', `scoring "${keys[r.index].key}" failed: ${r.error}`));
        const state = keep(r.state);
        const { scores, attribution, grades, incidents } = r as KeyScores;
        results[r.index] = { scores, ...(attribution ? { attribution } : {}), ...(grades ? { grades, incidents } : {}), ...(state ? { state } : {}) };
        opts.onKeyDone?.(keys[r.index].points.length / dims);
        if (++finished === keys.length) {
          stop();
          resolve(results);
        } else feed(w);
      });
      w.on('error', (e) => !failed && stop(e));
      feed(w);
    }
  });
};

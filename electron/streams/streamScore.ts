import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ForestSettings } from '../../shared/api/streams.ts';
import { deserializeStreamingForest, RcfInputError, serializeStreamingForest, StreamingForest } from '../rcf/index.ts';

export interface KeyScores {
  /** One per window; NaN until the forest outputs (outputAfter points and a full shingle). */
  scores: Float64Array;
  /** windows × measures: each window's score split by measure (summed over shingle positions). */
  attribution: Float64Array;
  /**
   * With `save`: the forest just before the last window, where the next run carries on: serialised and
   * deflated (a 100-tree forest of counts is ~3.4 MB raw, ~0.5 MB deflated, for every key of a stream).
   */
  state?: Uint8Array;
}

export interface KeyStreamOptions {
  /** A forest saved by an earlier call (`state`): the windows continue its stream. */
  resume?: Uint8Array;
  /**
   * Save the forest before the last window: the newest window may still be filling (its log not all
   * synced), so the next run scores it again from that state, with whatever it holds by then.
   */
  save?: boolean;
}

/**
 * One key's windows through one streaming forest (the library's), in time order: each full shingle is
 * scored, then learned (Kinesis RANDOM_CUT_FOREST's score-then-update). `points` holds `measures` values
 * per window. Window t of the key's whole stream gets a score once t ≥ outputAfter and at least one
 * shingle has been learned (t ≥ shingleSize); before that it is NaN. With `resume`, the windows are
 * those after the saved forest's, and the scores are exactly what one run over all of them gives.
 */
export function scoreKeyStream(points: Float64Array, measures: number, settings: ForestSettings, opts: KeyStreamOptions = {}): KeyScores {
  const params = {
    numTrees: settings.numTrees,
    samplesPerTree: settings.samplesPerTree,
    shingleSize: settings.shingleSize,
    timeDecay: settings.timeDecay,
    outputAfter: settings.outputAfter,
    seed: settings.seed,
  };
  const forest = opts.resume ? deserializeStreamingForest(inflate(opts.resume)) : new StreamingForest(measures, params);
  if (forest.inputDims !== measures || Object.entries(params).some(([k, v]) => forest.params[k as keyof typeof params] !== v)) {
    throw new RcfInputError('the saved forest was built with other settings or measures');
  }
  const start = forest.rowsSeen;
  const n = points.length / measures;
  const held = opts.save && n > 0 ? n - 1 : n;
  const head = forest.processWithAttribution(points.subarray(0, held * measures));
  // A copy into its own buffer: small zlib results share Node's pool, which cannot be sent to another thread.
  const state = opts.save ? new Uint8Array(deflateRawSync(serializeStreamingForest(forest), { level: 1 })) : undefined;
  const tail = forest.processWithAttribution(points.subarray(held * measures));
  const scores = new Float64Array(n).fill(NaN);
  const attribution = new Float64Array(n * measures);
  const width = 2 * forest.dims;
  const first = Math.max(settings.outputAfter, settings.shingleSize);
  const collect = (part: { scores: Float64Array; attribution: Float64Array }, from: number) => {
    for (let i = 0; i < part.scores.length; i++) {
      const w = from + i;
      if (start + w < first) continue;
      scores[w] = part.scores[i];
      // Point dimension j is measure j % measures of one shingle row; high and low parts both count.
      const o = i * width;
      for (let j = 0; j < forest.dims; j++) attribution[w * measures + (j % measures)] += part.attribution[o + 2 * j] + part.attribution[o + 2 * j + 1];
    }
  };
  collect(head, 0);
  collect(tail, held);
  return { scores, attribution, ...(state ? { state } : {}) };
}

function inflate(saved: Uint8Array): Uint8Array {
  try {
    return inflateRawSync(saved);
  } catch (e) {
    throw new RcfInputError(`the saved forest cannot be read (${(e as Error).message})`);
  }
}

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { DetectorSettings, ForestSettings } from '../../shared/api/streams.ts';
import {
  deserializeDetector,
  deserializeStreamingForest,
  RcfInputError,
  serializeDetector,
  serializeStreamingForest,
  StreamingForest,
  ThresholdedDetector,
  type Incident,
  type StreamingParams,
} from '../rcf/index.ts';

export interface KeyScores {
  /** One per window; NaN until the forest outputs (outputAfter points and a full shingle). */
  scores: Float64Array;
  /** windows × measures: each window's score split by measure (summed over shingle positions); plain scoring only (the detector attributes its incidents). */
  attribution?: Float64Array;
  /** Detector only: each window's grade (above 0 where an incident starts), NaN until scored. */
  grades?: Float64Array;
  /** Detector only: the incidents these windows started or went on (row numbers count the key's windows from its first). */
  incidents?: Incident[];
  /**
   * With `save`: the forest (or detector) just before the last window, where the next run carries on:
   * serialised and deflated (a 100-tree forest of counts is ~3.4 MB raw, ~0.5 MB deflated, for every key).
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
  /** Score with the thresholded detector (normalised input, grades, incidents) instead of the plain forest. */
  detect?: DetectorSettings;
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
  const n = points.length / measures;
  const held = opts.save && n > 0 ? n - 1 : n;
  const scores = new Float64Array(n).fill(NaN);
  const first = Math.max(settings.outputAfter, settings.shingleSize);
  const stepper = opts.detect ? detectorStepper(measures, { ...params, ...opts.detect }, opts.resume) : forestStepper(measures, params, opts.resume);
  const start = stepper.rowsSeen;
  const head = stepper.step(points.subarray(0, held * measures), 0);
  // A copy into its own buffer: small zlib results share Node's pool, which cannot be sent to another thread.
  const state = opts.save ? new Uint8Array(deflateRawSync(stepper.serialize(), { level: 1 })) : undefined;
  const tail = stepper.step(points.subarray(held * measures), held);
  for (const part of [head, tail]) {
    for (let i = 0; i < part.scores.length; i++) if (start + part.from + i >= first) scores[part.from + i] = part.scores[i];
  }
  return { scores, ...stepper.finish(scores, start, first), ...(state ? { state } : {}) };
}

interface Stepper {
  rowsSeen: number;
  /** Scores the rows (the key's windows from `from` on, in this call). */
  step(rows: Float64Array, from: number): { scores: Float64Array; from: number };
  serialize(): Uint8Array;
  /** The mode's own outputs over all the call's windows. */
  finish(scores: Float64Array, start: number, first: number): Omit<KeyScores, 'scores' | 'state'>;
}

function forestStepper(measures: number, params: Required<StreamingParams>, resume?: Uint8Array): Stepper {
  const forest = resume ? deserializeStreamingForest(inflate(resume)) : new StreamingForest(measures, params);
  checkSettings(forest, measures, params);
  const parts: { from: number; attribution: Float64Array }[] = [];
  return {
    rowsSeen: forest.rowsSeen,
    step(rows, from) {
      const r = forest.processWithAttribution(rows);
      parts.push({ from, attribution: r.attribution });
      return { scores: r.scores, from };
    },
    serialize: () => serializeStreamingForest(forest),
    finish(scores) {
      const attribution = new Float64Array(scores.length * measures);
      const width = 2 * forest.dims;
      for (const { from, attribution: part } of parts) {
        for (let i = 0; i < part.length / width; i++) {
          const w = from + i;
          if (Number.isNaN(scores[w])) continue;
          // Point dimension j is measure j % measures of one shingle row; high and low parts both count.
          const o = i * width;
          for (let j = 0; j < forest.dims; j++) attribution[w * measures + (j % measures)] += part[o + 2 * j] + part[o + 2 * j + 1];
        }
      }
      return { attribution };
    },
  };
}

function detectorStepper(measures: number, params: Required<StreamingParams> & DetectorSettings, resume?: Uint8Array): Stepper {
  const detector = resume ? deserializeDetector(inflate(resume)) : new ThresholdedDetector(measures, params);
  checkSettings(detector.forest, measures, params);
  if (detector.params.zFactor !== params.zFactor || detector.params.minScore !== params.minScore)
    throw new RcfInputError('the saved detector was built with another threshold');
  const grades: { from: number; grades: Float64Array }[] = [];
  // By start row: a later call's copy of an incident replaces the earlier one (it may have grown).
  const incidents = new Map<number, Incident>();
  return {
    rowsSeen: detector.rowsSeen,
    step(rows, from) {
      const d = detector.process(rows);
      grades.push({ from, grades: d.grades });
      for (const inc of d.incidents) incidents.set(inc.start, inc);
      return { scores: d.scores, from };
    },
    serialize: () => serializeDetector(detector),
    finish(scores) {
      const all = new Float64Array(scores.length).fill(NaN);
      for (const part of grades) for (let i = 0; i < part.grades.length; i++) if (!Number.isNaN(scores[part.from + i])) all[part.from + i] = part.grades[i];
      return { grades: all, incidents: [...incidents.values()].sort((a, b) => a.start - b.start) };
    },
  };
}

function checkSettings(forest: StreamingForest, measures: number, params: Required<StreamingParams>): void {
  const keys = ['numTrees', 'samplesPerTree', 'shingleSize', 'timeDecay', 'outputAfter', 'seed'] as const;
  if (forest.inputDims !== measures || keys.some((k) => forest.params[k] !== params[k]))
    throw new RcfInputError('the saved forest was built with other settings or measures');
}

function inflate(saved: Uint8Array): Uint8Array {
  try {
    return inflateRawSync(saved);
  } catch (e) {
    throw new RcfInputError(`the saved forest cannot be read (${(e as Error).message})`);
  }
}

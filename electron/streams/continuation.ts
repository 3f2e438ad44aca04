import { createHash } from 'node:crypto';
import type { DetectorSettings, ForestSettings, StreamDefinition } from '../../shared/api/streams.ts';

/** A key's forest as the last run left it (a row of rz_stream_state). */
export interface SavedForest {
  key: string;
  runId: string;
  /** forestBasis of the definition and settings it was built under. */
  basis: string;
  /** Epoch ms of the key's first window. */
  firstWindow: number;
  /** Windows the forest has learned; the key's next window (scored, not learned) is scored again. */
  learned: number;
  /** historyDigest of the learned windows' measures. */
  history: string;
  state: Uint8Array;
}

/** One key's windows as the measure query gives them now. */
export interface KeyWindows {
  key: string;
  /** Epoch ms of the key's first window (NaN if it has none). */
  firstWindow: number;
  /** windows × measures. */
  points: Float64Array;
}

/** Carry on: each listed key resumes from its saved forest, any other key starts fresh. */
export interface Continuation {
  runId: string;
  saved: Map<string, SavedForest>;
  /** Windows every saved forest has learned, from the first window (the same for all: keys share one grid of windows). */
  learned: number;
  firstWindow: number;
}

export type ContinuePlan = { continuation: Continuation } | { rescore: string };

/**
 * What a key's forest depends on: the source, how it is windowed and measured, the forest settings, and
 * the detector's settings when it scores (its state holds its threshold). A fixed cut-off and the name
 * are not in it: they only cut the scores. Built in a fixed key order so the JSON compares as text.
 */
export function forestBasis(def: StreamDefinition, forest: ForestSettings, detect?: DetectorSettings): string {
  return JSON.stringify({
    sourceTable: def.sourceTable ?? null,
    sourceQuery: def.sourceQuery ?? null,
    timeColumn: def.timeColumn,
    windowSeconds: def.windowSeconds,
    keyColumn: def.keyColumn ?? null,
    measures: def.measures,
    forest: {
      numTrees: forest.numTrees,
      samplesPerTree: forest.samplesPerTree,
      shingleSize: forest.shingleSize,
      timeDecay: forest.timeDecay,
      outputAfter: forest.outputAfter,
      seed: forest.seed,
    },
    detector: detect ? { zFactor: detect.zFactor, minScore: detect.minScore } : null,
  });
}

/** A digest of the first `windows` rows of a key's measures, to tell whether learned windows changed since. */
export function historyDigest(points: Float64Array, windows: number, measures: number): string {
  const bytes = new Uint8Array(points.buffer, points.byteOffset, windows * measures * Float64Array.BYTES_PER_ELEMENT);
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Whether the saved forests can carry on over the data as it is now, exactly as one uninterrupted run
 * would: same basis, every saved key still there with the windows it learned unchanged (same first
 * window, same measures). Otherwise why a continue has to score every window again.
 */
export function planContinue(saved: SavedForest[], basis: string, keys: KeyWindows[], measures: number): ContinuePlan {
  if (saved.length === 0) return { rescore: 'there are no saved forests to continue from (none yet, or the stream has too many keys to keep them)' };
  if (saved.some((s) => s.basis !== basis)) return { rescore: 'the definition or forest settings changed since the forests were saved' };
  const { runId, learned, firstWindow } = saved[0];
  if (saved.some((s) => s.runId !== runId || s.learned !== learned || s.firstWindow !== firstWindow))
    return { rescore: 'the saved forests do not belong to one run' };
  const byKey = new Map(keys.map((k) => [k.key, k]));
  for (const s of saved) {
    const now = byKey.get(s.key);
    const key = `key "${s.key || '(all)'}"`;
    if (!now) return { rescore: `${key} is no longer in the data` };
    if (now.firstWindow !== s.firstWindow || now.points.length < s.learned * measures || historyDigest(now.points, s.learned, measures) !== s.history) {
      return { rescore: `data in already-scored windows of ${key} changed (late, earlier or removed rows)` };
    }
  }
  return { continuation: { runId, saved: new Map(saved.map((s) => [s.key, s])), learned, firstWindow } };
}

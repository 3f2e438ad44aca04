import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

/**
 * Scoring runs: the forest trained and scored over the numeric columns of a query, stored in the
 * workspace with everything needed to explain and repeat it.
 */

/** `points` = posnewx, posnewy (the lab's choice); `movement` = x, y, step length, seconds since the previous event. */
export type FeatureSet = 'points' | 'movement';

/** Which rows count as anomalous: mean + k·σ of the run's scores, the N highest, or a fixed score (the RCF's CutoffRule). */
export type Cutoff = { kind: 'sigma'; k: number } | { kind: 'topN'; n: number } | { kind: 'fixed'; score: number };

export interface ScoreRequest {
  /** A feature set over `playlog`, or `query` (SQL whose numeric columns are the features). Default `points`. */
  features?: FeatureSet;
  query?: string;
  /** SageMaker num_trees (default 100) and num_samples_per_tree (default 256). */
  trees?: number;
  samples?: number;
  seed?: number;
  /** Text form, e.g. `mean+1.5sd`, `top:500`, `score:3.2` (default `mean+1.5sd`, the lab's). */
  cutoff?: string;
}

export interface ScoringRun {
  id: number;
  createdAt: string;
  /** `points`, `movement` or `query`. */
  features: string;
  /** The SQL the features were read from. */
  query: string;
  featureColumns: string[];
  /** True when rows are keyed by playlog.row_id (feature sets, or a query selecting row_id). */
  keyedByPlaylog: boolean;
  trees: number;
  samples: number;
  seed: number;
  rows: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
  /** The current cut-off (re-cut without rescoring changes it) and its value. */
  cutoff: string;
  cutoffValue: number;
  flaggedRows: number;
  elapsedMs: number;
  modelBytes: number;
}

export interface ScoringApi {
  /** Starts a scoring job; its result is the stored ScoringRun. */
  'scoring.start': Method<ScoreRequest, JobInfo<ScoringRun>>;
  /** Completed runs, newest first. */
  'scoring.runs': Method<NoArgs, ScoringRun[]>;
  'scoring.get': Method<{ id: number }, ScoringRun>;
  /** Re-cuts a run without rescoring: stores the new cut-off and returns the run. */
  'scoring.recut': Method<{ id: number; cutoff: string }, ScoringRun>;
  'scoring.delete': Method<{ id: number }, { deleted: boolean }>;
}

export const DEFAULT_CUTOFF: Cutoff = { kind: 'sigma', k: 1.5 };

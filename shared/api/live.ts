import type { JobInfo } from './jobs.ts';
import type { Method } from './method.ts';
import type { ScoringRun } from './scoring.ts';

/**
 * A batch run scoring rows that arrived after it (follow mode) with its saved forest, no retraining, and
 * how far those rows have drifted: the share of live rows above the run's cut-off against the training rows'.
 */
export interface LiveScoring {
  runId: number;
  /** Rows the run was trained and scored on. */
  trainRows: number;
  /** Rows scored live since, with the saved forest. */
  liveRows: number;
  /** Of each, the share at or above the run's current cut-off. */
  trainShare: number;
  liveShare: number;
  /** liveShare / trainShare (1 = no drift; 0 when no live rows yet). */
  drift: number;
  updatedAt: string | null;
}

export interface LiveApi {
  /** The newest (or named) run's live scoring; null when there is no run. */
  'scoring.live': Method<{ runId?: number }, LiveScoring | null>;
  /** Rebuilds the model: a new run with the named (or newest) run's features, parameters and cut-off. */
  'scoring.retrain': Method<{ runId?: number }, JobInfo<ScoringRun>>;
}

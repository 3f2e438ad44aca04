import type { ExportedFile } from './sql.ts';
import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

/**
 * Metric streams: a table (or query) bucketed into fixed windows per key, a few measures per window,
 * scored window by window by a streaming random cut forest (one per key), alerts above a threshold.
 */

export type MeasureKind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'ratio';

export interface MeasureDef {
  /** Identifier-like name, unique within the stream (e.g. vehicles, clicks, ctr). */
  name: string;
  kind: MeasureKind;
  /** The numeric column for sum, avg, min, max. */
  column?: string;
  /** Optional SQL condition on the source rows, e.g. browseraction = 'Click' (not for ratio). */
  where?: string;
  /** For ratio: the names of two other measures of the stream; an empty denominator gives 0. */
  numerator?: string;
  denominator?: string;
}

/** Kinesis RANDOM_CUT_FOREST's knobs; every one has a default (100 trees, 256 samples, shingle 1). */
export interface ForestSettings {
  numTrees: number;
  samplesPerTree: number;
  /** Consecutive windows in one point; 1 = each window alone. */
  shingleSize: number;
  /** Forgetting rate per update; AWS's default is 1 / (10 · samplesPerTree). */
  timeDecay: number;
  /** Windows per key before scores are reported (earlier ones have no score). */
  outputAfter: number;
  seed: number;
}

/**
 * How windows alert. `detector` (the default): the thresholded detector (rcf/threshold) grades each window
 * against a self-adjusting threshold over the key's recent scores, and an event alerts once, as one
 * incident; `zFactor` (default 3) is how many deviations above the recent scores an alert needs. The fixed
 * cut-offs cut the window scores instead: a score (Kinesis lab: 2.5) or mean + k·σ of the run's scores
 * (taxi pipeline: k = 3); each window at or above it is an incident of its own.
 */
/** How a detector run's detector alerted: deviations above the recent scores, and the least score that may alert. */
export interface DetectorSettings {
  zFactor: number;
  minScore: number;
}

export type Threshold = { kind: 'detector'; zFactor?: number } | { kind: 'score'; value: number } | { kind: 'sigma'; k: number };

export interface StreamDefinition {
  name: string;
  /** Exactly one of sourceTable and sourceQuery. */
  sourceTable?: string;
  sourceQuery?: string;
  /** TIMESTAMP (or DATE) column of the source. */
  timeColumn: string;
  /** Window length as written, e.g. "10s", "1min", "30min"; windowSeconds is what counts. */
  window: string;
  windowSeconds: number;
  /** One forest per distinct value (e.g. per toll station); absent = one stream. */
  keyColumn?: string;
  measures: MeasureDef[];
  /** Overrides of the forest defaults. */
  forest: Partial<ForestSettings>;
  threshold: Threshold;
}

/** What the client sends to define (or redefine) a stream; windowSeconds is derived from window. */
export type StreamDefinitionInput = Omit<StreamDefinition, 'windowSeconds' | 'forest' | 'threshold'> & {
  forest?: Partial<ForestSettings>;
  threshold?: Threshold;
};

/**
 * rescore: every window from scratch, a new run. continue: each key's saved forest carries on over the
 * windows after the ones it has scored (new keys start fresh) and the latest run grows by them; the
 * scores are those one uninterrupted run gives. A continue that cannot (definition changed, scored
 * windows' data changed, nothing saved) rescores and says why.
 */
export type ScoreMode = 'rescore' | 'continue';

export interface StreamRun {
  id: string;
  stream: string;
  createdAt: string;
  /** The definition as it was scored (later edits do not change a run). */
  definition: StreamDefinition;
  forest: ForestSettings;
  threshold: Threshold;
  /**
   * Scored by the thresholded detector (its input normalised; grades, expected values and incidents kept).
   * Such a run can be cut by any threshold; a run scored without it only by the fixed cut-offs.
   */
  detector: DetectorSettings | null;
  /** The score a fixed cut-off asks for, resolved from the threshold and this run's scores; 0 under the detector (a grade above 0 alerts). */
  cutoff: number;
  scoreMean: number;
  scoreSd: number;
  keys: number;
  windows: number;
  /** Windows with a score (after outputAfter and a full shingle). */
  scoredWindows: number;
  /** Incidents under the run's threshold. */
  alerts: number;
  /** Of the latest scoring (a continue's own time). */
  elapsedMs: number;
  /** How the latest scoring of this run went: a rescore made it, a continue extended it. */
  mode: ScoreMode;
  /** Windows the latest scoring added to the run (all of them for a rescore). */
  newWindows: number;
  /** Times the run has been continued. */
  continuations: number;
  /** Set when a continue was asked for but every window had to be scored again: why (e.g. "the definition or forest settings changed since the forests were saved"). */
  rescoreReason?: string;
}

export interface StreamSummary {
  definition: StreamDefinition;
  latestRun?: StreamRun;
}

/** The analyst's mark on a stream incident (a player's verdict is investigate's PlayerVerdict). */
export type AlertMark = 'true_positive' | 'false_positive';

/**
 * One incident: the window that alerted and the anomalous windows of the same event that followed it (a
 * fixed cut-off makes every alerting window an incident of its own). Marks belong to its first window.
 */
export interface StreamAlert {
  key: string;
  /** The first (alerting) window's start, epoch ms. */
  windowStart: number;
  /** The last anomalous window's start, epoch ms (windowStart for a one-window incident). */
  windowEnd: number;
  /** Windows from the first to the last, both included. */
  windows: number;
  /** The first window's measures (the actual values). */
  measures: Record<string, number>;
  /** What the forest expected there, per measure (detector runs; null under a fixed cut-off). */
  expected: Record<string, number> | null;
  /** The first window's score. */
  score: number;
  /** The highest grade over the incident, in (0, 1] (detector runs; null under a fixed cut-off). */
  grade: number | null;
  /** Share of the first window's score per measure (sums to its score). */
  attribution: Record<string, number>;
  verdict: AlertMark | null;
  note: string | null;
}

export interface StreamAlerts {
  run: StreamRun;
  alerts: StreamAlert[];
}

export interface KeySeries {
  key: string;
  /** Window starts, epoch ms. */
  times: Float64Array;
  measures: { name: string; values: Float64Array }[];
  /** NaN where the forest had not output yet. */
  scores: Float64Array;
  /** Detector runs: each window's grade (above 0 on an incident's first window), NaN where unscored; empty otherwise. */
  grades: Float64Array;
  cutoff: number;
  /** The key's incidents under the run's threshold, in time order. */
  incidents: StreamAlert[];
}

/**
 * Keys × time bins coloured by the worst value in each bin, keys sorted by their worst: the grade under
 * the detector (so an incident is one mark), the score under a fixed cut-off.
 */
export interface Swimlane {
  value: 'grade' | 'score';
  /** This page of keys (worst first), from `offset` of `totalKeys`. */
  keys: string[];
  offset: number;
  totalKeys: number;
  worst: number[];
  /** Bin starts, epoch ms. */
  times: Float64Array;
  binSeconds: number;
  /** keys.length × times.length, row-major; NaN where no window was scored. */
  z: Float64Array;
  cutoff: number;
}

export type DemoKind = 'toll' | 'clickstream' | 'series';

export interface StreamImportRequest {
  kind: DemoKind;
  /** A file of toll CSV lines, clickstream JSON lines, or a timestamp,value series. */
  path: string;
  /** Target table; default toll_events, click_events, series_values. Rows are appended. */
  table?: string;
}

export interface StreamImportResult {
  table: string;
  lines: number;
  loaded: number;
  quarantined: number;
  /**
   * The first few quarantined lines' numbers and reasons. Never their text: a request naming any file
   * must not be a way to read it (issue #16, item 4); the quarantine table keeps it for the analyst.
   */
  samples: { line: number; reason: string }[];
}

export interface DemoLoadResult {
  import: StreamImportResult;
  /** The stream that watches the demo: defined when asked, else a suggestion for the define form. */
  suggested: StreamDefinitionInput;
  stream?: StreamDefinition;
  /** The generator's labels file (planted anomaly windows). */
  labelsPath: string;
}

export interface MarkRequest {
  stream: string;
  key: string;
  windowStart: number;
  /** null clears the mark. */
  verdict: AlertMark | null;
  note?: string;
}

export interface StreamsApi {
  'streams.list': Method<NoArgs, StreamSummary[]>;
  'streams.define': Method<{ definition: StreamDefinitionInput }, StreamDefinition>;
  'streams.delete': Method<{ name: string }, NoArgs>;
  /** Starts scoring (mode rescore unless told); the job's result is the StreamRun. */
  'streams.score': Method<{ name: string; forest?: Partial<ForestSettings>; threshold?: Threshold; mode?: ScoreMode }, JobInfo<StreamRun>>;
  'streams.runs': Method<{ name?: string }, StreamRun[]>;
  'streams.alerts': Method<{ runId: string }, StreamAlerts>;
  /** Re-resolves a run's threshold (no re-scoring) and returns the run with its new cutoff. */
  'streams.setThreshold': Method<{ runId: string; threshold: Threshold }, StreamRun>;
  'streams.mark': Method<MarkRequest, NoArgs>;
  'streams.export': Method<{ runId: string }, ExportedFile>;
  'streams.series': Method<{ runId: string; key: string }, KeySeries>;
  'streams.swimlane': Method<{ runId: string; bins?: number; maxKeys?: number; offset?: number }, Swimlane>;
  /** Imports a file as a job; the job's result is the StreamImportResult. */
  'streams.import': Method<StreamImportRequest, JobInfo<StreamImportResult>>;
  /** Generates a demo stream into the workspace's data folder and imports it (and defines its stream if `define`). */
  'streams.loadDemo': Method<{ kind: DemoKind; define?: boolean }, JobInfo<DemoLoadResult>>;
}

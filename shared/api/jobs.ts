import type { FollowSummary } from './follow.ts';
import type { ImportSummary } from './lake.ts';
import type { MapCache } from './map.ts';
import type { S3Plan, S3SyncSummary } from './s3.ts';
import type { ScoringRun } from './scoring.ts';
import type { DemoLoadResult, StreamImportResult, StreamRun } from './streams.ts';

/** Every long operation (import, sync, scoring, export) is a job: start → progress → done | cancelled | failed. */
export type JobState = 'running' | 'done' | 'cancelled' | 'failed';

export interface JobProgress {
  /** Units done and total (total 0 = unknown). */
  done: number;
  total: number;
  unit: string;
  /** Secondary counter, e.g. bytes while `done` counts files. */
  bytesDone?: number;
  bytesTotal?: number;
  /** Units per second, smoothed. */
  rate?: number;
  etaSeconds?: number;
  message?: string;
}

/** Every kind of job the app runs (the method that starts it, or its capability), and what it results in when done. */
export interface JobResults {
  'lake.import': ImportSummary;
  's3.plan': S3Plan;
  's3.sync': S3SyncSummary;
  's3.follow': FollowSummary;
  scoring: ScoringRun;
  /** Null when the play log has no positions to cache. */
  'map.cache': MapCache | null;
  'streams.score': StreamRun;
  'streams.import': StreamImportResult;
  'streams.loadDemo': DemoLoadResult;
}

export type JobKind = keyof JobResults;

export interface JobInfo<R = unknown> {
  id: string;
  kind: JobKind;
  title: string;
  state: JobState;
  startedAt: string;
  endedAt?: string;
  progress: JobProgress;
  result?: R;
  error?: { code: string; message: string };
}

/** Any job, typed by its kind: checking `kind` types `result` (a job from an event or a listing). */
export type AnyJob = { [K in JobKind]: JobInfo<JobResults[K]> & { kind: K } }[JobKind];

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

/** Every kind of job the app runs (the method that starts it, or its capability). */
export type JobKind = 'lake.import' | 's3.plan' | 's3.sync' | 's3.follow' | 'scoring' | 'map.cache' | 'streams.score' | 'streams.import' | 'streams.loadDemo';

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

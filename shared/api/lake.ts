import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

/** A line (or, with line 0, a whole file) the import could not load, and why. */
export interface QuarantineEntry {
  /** The object's ledger key: its local path, or its S3 key for synced objects. */
  file: string;
  /** 1-based line (element of a JSON array, row of a Parquet file); 0 = the whole file. */
  line: number;
  reason: string;
}

/** What one import did. Per file: loaded + quarantined lines = records in the file (minus rows outside an event-time window). */
export interface ImportSummary {
  /** Files imported (new or changed). */
  files: number;
  /** Rows loaded. */
  rows: number;
  /** Files already imported at the same version. */
  skipped: number;
  quarantined: QuarantineEntry[];
}

/** Import progress; `done`/`total` count files. */
export interface ImportProgress {
  done: number;
  total: number;
  unit: 'files';
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  message?: string;
}

export type LakeStream = 'playlog' | 'userlog';

/** One ledger row: an imported object. */
export interface LakeFile {
  fileId: number;
  key: string;
  path: string;
  stream: LakeStream;
  format: 'json' | 'csv' | 'parquet';
  compression: 'none' | 'gzip';
  size: number;
  version: string;
  records: number;
  rows: number;
  quarantined: number;
  /** Rows left out because they fell outside the import's event-time window. */
  outside: number;
  status: 'loaded' | 'partial' | 'rejected' | 'empty';
  importedAt: string;
}

export interface PartitionCount {
  stream: LakeStream;
  /** YYYY-MM-DD of the partition (Firehose: arrival hour of the object's oldest record). */
  day: string;
  hour: number;
  rows: number;
  files: number;
}

export interface QuarantineRow extends QuarantineEntry {
  raw: string | null;
}

export interface LakeApi {
  /** Imports play logs and user logs found under a folder; the job's result is an ImportSummary. */
  'lake.import': Method<{ dir: string }, JobInfo<ImportSummary>>;
  /** Generates the small built-in demo into the workspace's data folder and imports it. */
  'lake.loadDemo': Method<NoArgs, JobInfo<ImportSummary>>;
  'lake.partitions': Method<NoArgs, PartitionCount[]>;
  'lake.quarantine': Method<{ limit?: number; offset?: number }, { total: number; entries: QuarantineRow[] }>;
  'lake.files': Method<{ limit?: number }, LakeFile[]>;
}

import type { ColumnBatch } from './columns.ts';
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
  /**
   * Files and folders passed over, with why: hidden, markers, DuckDB files and WALs, not a log by name
   * and content, unreadable or vanished (not recorded, so the next import tries them again).
   */
  ignored: IgnoredPath[];
  /** Notices that lose nothing, e.g. records that also appear in other files. */
  warnings: string[];
}

export interface IgnoredPath {
  /** Absolute local path (or the S3 URL of a synced object). */
  path: string;
  reason: string;
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

export type LakeFileStatus = LakeFile['status'];
export const LAKE_FILE_STATUSES: readonly LakeFileStatus[] = ['loaded', 'partial', 'rejected', 'empty'];
export type LakeFileSort = 'imported' | 'key' | 'size' | 'rows' | 'quarantined';

/** A page of the ledger. Filters combine; the status counts ignore the status filter so the chips show what each would give. */
export interface LakeFilesRequest {
  offset?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  status?: LakeFileStatus;
  stream?: LakeStream;
  /** Case-insensitive substring of the key. */
  search?: string;
  /** Only local files that are no longer on disk (checks every local entry on disk). */
  missing?: boolean;
  /** Default `imported` (newest first). */
  sort?: LakeFileSort;
  /** Default: descending, except ascending for `key`. */
  desc?: boolean;
}

export interface LakeFilesPage {
  /** Entries matching every filter. */
  matching: number;
  /** Entries per status under the other filters. */
  byStatus: Record<LakeFileStatus, number>;
  /**
   * The page's entries as columns: file_id, key, path, stream, format, compression, size, records,
   * rows, quarantined, outside, status, imported_at (TIMESTAMP, local time), missing (BOOLEAN: a local
   * file no longer on disk; S3-synced objects are never missing, their cache is the sync's business).
   */
  batch: ColumnBatch;
}

/** Ledger entries, with their rows and quarantined lines, that leave (or left) the workspace. */
export interface ForgetSummary {
  files: number;
  rows: number;
  quarantined: number;
}

export interface LakeApi {
  /** Imports play logs and user logs found under a folder; the job's result is an ImportSummary. */
  'lake.import': Method<{ dir: string }, JobInfo<ImportSummary>>;
  /** Generates the small built-in demo into the workspace's data folder and imports it. */
  'lake.loadDemo': Method<NoArgs, JobInfo<ImportSummary>>;
  'lake.partitions': Method<NoArgs, PartitionCount[]>;
  /** Quarantined lines, all or one ledger entry's; `total` counts the lines matching. */
  'lake.quarantine': Method<{ limit?: number; offset?: number; fileId?: number }, { total: number; entries: QuarantineRow[] }>;
  'lake.files': Method<LakeFilesRequest, LakeFilesPage>;
  /** Local ledger entries whose file is gone from disk, counted (nothing changes). */
  'lake.missing': Method<NoArgs, ForgetSummary>;
  /**
   * Removes ledger entries with their rows and quarantined lines, in one transaction: the chosen
   * `fileIds`, or with `missing` every local entry whose file is gone, or with `under` every local entry
   * at or under that file or folder (made absolute; present on disk or not). `dryRun` (with `under`)
   * only counts. A forgotten file still on disk comes back at the next import. S3-synced entries are
   * refused (the sync owns them).
   */
  'lake.forget': Method<{ fileIds?: number[]; missing?: boolean; under?: string; dryRun?: boolean }, ForgetSummary>;
}

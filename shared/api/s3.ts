import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';
import { formatBytes, formatClock } from '../format.ts';

/**
 * Where the analyst's Firehose objects live and which hours to pull. Saved per workspace; never
 * holds a secret: credentials come from the AWS default chain or the named profile at sync time.
 */
export interface S3Source {
  /** Unique per workspace; how the CLI (`--source NAME`) and the UI refer to it. */
  name: string;
  bucket: string;
  /** Top-level Firehose prefixes, e.g. ["playlog/", "userlog/"]. */
  prefixes: string[];
  /** Empty: AWS_REGION, then the profile's region. */
  region?: string;
  /** Empty: the default credential chain (env, SSO, shared files, process, web identity, IMDS). */
  profile?: string;
  /** S3-compatible store (MinIO, …): addressed path-style. */
  endpoint?: string;
  /** First and last hour to pull, UTC, as YYYY-MM-DDTHH (inclusive). */
  from: string;
  to: string;
}

export type S3ObjectStatus = 'new' | 'changed' | 'unchanged';

export interface S3PlanObject {
  key: string;
  size: number;
  /** Without the quotes S3 puts around it. */
  etag: string;
  lastModified: string;
  status: S3ObjectStatus;
}

export interface S3PlanTotals {
  objects: number;
  bytes: number;
}

/** What a sync would do, computed from a fresh listing before anything downloads. */
export interface S3Plan {
  source: S3Source;
  /** The day/hour prefixes that were listed (the range plus the hour after it). */
  listedPrefixes: string[];
  objects: S3PlanObject[];
  totals: Record<S3ObjectStatus, S3PlanTotals>;
}

export interface S3SyncError {
  /** The object that failed; absent when the sync as a whole failed. */
  key?: string;
  code: string;
  message: string;
}

/** The result of a sync job; also what `sync --json` prints. */
export interface S3SyncSummary {
  listed: number;
  downloaded: number;
  skipped: number;
  /** Bytes transferred in this sync (0 when nothing changed). */
  bytes: number;
  /** Rows imported into the workspace by this sync. */
  rows: number;
  errors: S3SyncError[];
  /**
   * Downloaded keys the import passed over, with why (`_SUCCESS`, `.hidden`, `*.tmp`, not a log): never
   * recorded as imported, so they are offered again by the next sync and reported again.
   */
  ignored: { key: string; reason: string }[];
}

/** A saved source by name, or an unsaved one given in full (the CLI's flags, the panel's draft). */
export type S3SourceRef = { name: string; source?: undefined } | { source: S3Source; name?: undefined };

export interface S3Api {
  's3.sources': Method<NoArgs, S3Source[]>;
  /** Creates or replaces the source with this name. */
  's3.saveSource': Method<S3Source, S3Source>;
  's3.deleteSource': Method<{ name: string }, { deleted: boolean }>;
  /** Starts a listing job that compares the range with what the workspace holds (downloads nothing); its result is an S3Plan. */
  's3.plan': Method<S3SourceRef, JobInfo<S3Plan>>;
  /** Starts a sync job; its result is an S3SyncSummary. */
  's3.sync': Method<S3SourceRef & { concurrency?: number }, JobInfo<S3SyncSummary>>;
}

/** "12/100 objects · 34.5 MB/210.0 MB · 12.3 MB/s · ETA 0:14" from a sync (or plan) job's progress. */
export function syncProgressText(p: JobInfo['progress'], elapsedSeconds: number): string {
  const parts = [`${p.done}/${p.total} ${p.unit}`];
  if (p.bytesTotal) {
    const rate = elapsedSeconds > 0 ? (p.bytesDone ?? 0) / elapsedSeconds : 0;
    parts.push(`${formatBytes(p.bytesDone ?? 0)}/${formatBytes(p.bytesTotal)}`, `${formatBytes(rate)}/s`);
    if (rate > 0) parts.push(`ETA ${formatClock((p.bytesTotal - (p.bytesDone ?? 0)) / rate)}`);
  } else if (p.etaSeconds !== undefined) {
    parts.push(`ETA ${formatClock(p.etaSeconds)}`);
  }
  return parts.join(' · ');
}

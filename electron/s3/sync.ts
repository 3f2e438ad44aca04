import type { DuckDBConnection } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobProgress } from '../../shared/api/jobs.ts';
import type { S3Plan, S3Source, S3SyncError, S3SyncSummary } from '../../shared/api/s3.ts';
import { throwIfCancelled } from '../jobs/context.ts';
import { checkCredentials, connect, type ConnectOptions, type S3Connection } from './client.ts';
import { downloadObject } from './download.ts';
import { describeS3Error } from './errors.ts';
import { eventTimeWindow, listingPrefixes, parseHourRange } from './hours.ts';
import { ObjectLedger, type LedgerEntry } from './ledger.ts';
import { listObjects, type ListedObject, type ListingProgress } from './listing.ts';
import { buildPlan } from './plan.ts';
import { forEachBounded } from './pool.ts';

/** What the lake import is handed: verified cached objects of one bucket, in the bucket's layout. */
export interface ImportRequest {
  bucket: string;
  /** `<cacheDir>`: each object is at `<cacheDir>/<bucket>/<key>`. */
  cacheDir: string;
  objects: { key: string; etag: string; path: string }[];
  /** Rows outside [from, to) by event time are dropped. */
  eventTime: { from: Date; to: Date };
  signal: AbortSignal;
  onProgress(p: SyncProgress): void;
}
/** Rows loaded, and the keys the lake passed over (those are not imported). */
export type Importer = (request: ImportRequest) => Promise<{ rows: number; ignored: { key: string; reason: string }[] }>;

export type SyncProgress = Omit<JobProgress, 'rate' | 'etaSeconds'>;

export interface SyncDeps {
  /** A connection of the sync's own for the ledger. */
  db: DuckDBConnection;
  /** `${ws.dataDir}/s3`. */
  cacheDir: string;
  importer: Importer;
  connect?: (source: S3Source, options: ConnectOptions) => Promise<S3Connection>;
}

export interface SyncOptions {
  signal: AbortSignal;
  concurrency?: number;
  maxAttempts?: number;
  onProgress?(p: SyncProgress): void;
  /** List exactly these key prefixes and keep rows in this event-time window (epoch ms) instead of the source's range (follow mode). */
  scope?: { prefixes: string[]; window: { from: number; to: number } };
}

const DEFAULT_CONCURRENCY = 8;
const LEDGER_FLUSH_MS = 2_000;

/** Where an object is cached; null for keys that cannot be a file safely (., .., empty segments). */
export function cachePathFor(cacheDir: string, bucket: string, key: string): string | null {
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0') || s.endsWith('.part'))) return null;
  return join(cacheDir, bucket, ...segments);
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

function ctxFor(source: S3Source, conn?: S3Connection, key?: string) {
  return { bucket: source.bucket, profile: source.profile, region: conn?.region, endpoint: source.endpoint, ...(key ? { key } : {}) };
}

interface Listing {
  conn: S3Connection;
  plan: S3Plan;
  listed: ListedObject[];
  entries: Map<string, LedgerEntry>;
  window: { from: number; to: number };
}

async function listAndPlan(deps: SyncDeps, source: S3Source, options: SyncOptions): Promise<Listing> {
  const range = parseHourRange(source.from, source.to);
  const eventTime = eventTimeWindow(range);
  const window = options.scope?.window ?? { from: eventTime.from.getTime(), to: eventTime.to.getTime() };
  const prefixes = options.scope?.prefixes ?? listingPrefixes(source.prefixes, range);
  const conn = await (deps.connect ?? connect)(source, {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  try {
    await checkCredentials(conn, source);
    const listing = (p: ListingProgress) =>
      options.onProgress?.({
        done: p.prefixesDone,
        total: p.prefixes,
        unit: 'prefixes',
        message: `listing s3://${source.bucket}: ${p.objects.toLocaleString('en-US')} objects so far`,
      });
    listing({ prefixesDone: 0, prefixes: prefixes.length, objects: 0 });
    let listed: ListedObject[];
    try {
      listed = await listObjects(conn.client, source.bucket, prefixes, options.signal, listing);
    } catch (e) {
      throwIfCancelled(options.signal); // an aborted request is the cancel, not an S3 failure
      throw describeS3Error(e, ctxFor(source, conn));
    }
    const entries = await new ObjectLedger(deps.db).entries(source.bucket);
    const plan = buildPlan(source, prefixes, listed, (k) => entries.get(k)?.imported, window);
    return { conn, plan, listed, entries, window };
  } catch (e) {
    conn.close();
    throw e;
  }
}

/** Lists the range and compares it with the workspace; downloads nothing. */
export async function planSync(deps: SyncDeps, source: S3Source, options: SyncOptions): Promise<S3Plan> {
  const { conn, plan } = await listAndPlan(deps, source, options);
  conn.close();
  return plan;
}

/**
 * The whole pull: list, plan, download what is new or changed into the cache (verified, resumable),
 * import it through the lake pipeline, and record the imported versions. Per-object failures are
 * collected in the summary; failures that concern the whole source (credentials, bucket, region,
 * network at listing time) throw one clear ApiError.
 */
export async function syncSource(deps: SyncDeps, source: S3Source, options: SyncOptions): Promise<S3SyncSummary> {
  const { signal } = options;
  const { conn, plan, listed, entries, window } = await listAndPlan(deps, source, options);
  const ledger = new ObjectLedger(deps.db);
  const errors: S3SyncError[] = [];
  try {
    const byKey = new Map(listed.map((o) => [o.key, o]));
    const pending = plan.objects.filter((o) => o.status !== 'unchanged').map((o) => byKey.get(o.key)!);
    const toImport: ListedObject[] = [];
    const toDownload: { object: ListedObject; path: string }[] = [];
    for (const object of pending) {
      const path = cachePathFor(deps.cacheDir, source.bucket, object.key);
      if (!path) {
        errors.push({ key: object.key, code: 'BAD_REQUEST', message: `the key "${object.key}" cannot be stored as a file; skipped` });
        continue;
      }
      // Downloaded by an earlier sync whose import did not finish: import it from the cache.
      const cached = entries.get(object.key)?.downloadedEtag === object.etag && (await fileSize(path)) === object.size;
      if (cached) toImport.push(object);
      else toDownload.push({ object, path });
    }

    const bytesTotal = toDownload.reduce((n, d) => n + d.object.size, 0);
    let bytesDone = 0;
    let done = 0;
    let transferred = 0;
    let downloaded = 0;
    const report = (message: string) => options.onProgress?.({ done, total: toDownload.length, unit: 'objects', bytesDone, bytesTotal, message });
    // The ledger learns of finished downloads in batches: one statement per object would cost more
    // than the download of a small object. A crash loses at most a few seconds of records (re-downloaded).
    const unrecorded: ListedObject[] = [];
    let recordedAt = Date.now();
    const flush = async () => {
      recordedAt = Date.now();
      await ledger.markDownloaded(source.bucket, unrecorded.splice(0));
    };
    report(`downloading ${toDownload.length} objects`);
    await forEachBounded(toDownload, options.concurrency ?? DEFAULT_CONCURRENCY, signal, async ({ object, path }) => {
      try {
        const result = await downloadObject(
          {
            client: conn.client,
            retry: conn.retry,
            signal,
            onBytes: (delta) => {
              bytesDone += delta;
              report(`downloading ${object.key}`);
            },
          },
          { bucket: source.bucket, key: object.key, size: object.size, etag: object.etag },
          path,
        );
        transferred += result.transferred;
        downloaded++;
        toImport.push(object);
        unrecorded.push(object);
        if (Date.now() - recordedAt > LEDGER_FLUSH_MS) await flush();
      } catch (e) {
        if (signal.aborted) return;
        const err = describeS3Error(e, ctxFor(source, conn, object.key));
        errors.push({ key: object.key, code: err.code, message: err.message });
      }
      done++;
      report(`downloaded ${object.key}`);
    });
    await flush();
    throwIfCancelled(signal);

    let rows = 0;
    let ignored: { key: string; reason: string }[] = [];
    if (toImport.length > 0) {
      // An object imported before for another (always adjacent) range keeps that range's rows too:
      // its rows are replaced for the union of both windows.
      const union = toImport.reduce(
        (w, o) => {
          const had = entries.get(o.key)?.imported;
          return had ? { from: Math.min(w.from, had.from), to: Math.max(w.to, had.to) } : w;
        },
        { ...window },
      );
      options.onProgress?.({ done: 0, total: toImport.length, unit: 'files', message: `importing ${toImport.length} objects` });
      const result = await deps.importer({
        bucket: source.bucket,
        cacheDir: deps.cacheDir,
        objects: toImport.map((o) => ({ key: o.key, etag: o.etag, path: cachePathFor(deps.cacheDir, source.bucket, o.key)! })),
        eventTime: { from: new Date(union.from), to: new Date(union.to) },
        signal,
        onProgress: (p) => options.onProgress?.(p),
      });
      rows = result.rows;
      ignored = result.ignored;
      const passedOver = new Set(ignored.map((i) => i.key));
      await ledger.markImported(
        source.bucket,
        toImport.filter((o) => !passedOver.has(o.key)),
        union,
      );
    }
    return {
      listed: listed.length,
      downloaded,
      skipped: plan.totals.unchanged.objects,
      bytes: transferred,
      rows,
      errors,
      ignored,
    };
  } finally {
    conn.close();
  }
}

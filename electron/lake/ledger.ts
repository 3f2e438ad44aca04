/**
 * The ledger as the Sources view's Files panel sees it: filtered, sorted pages of `lake_file` as
 * columns, counts per status, and which local files are gone from disk.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { cellValue, numberValues, type Column } from '../../shared/api/columns.ts';
import { LAKE_FILE_STATUSES, type LakeFileSort, type LakeFilesPage, type LakeFilesRequest, type LakeFileStatus } from '../../shared/api/lake.ts';
import { readColumns } from '../workspace/columns.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { clamp } from './queries.ts';
import { LOGS } from './logs.ts';
import { optional, requireOneOf, requireText } from '../../shared/api/validate.ts';

export const FILES_PAGE = { default: 100, max: 1000 } as const;

/** A local import's key is the file's own path; an S3 sync's key is its s3:// URL and its path a deleted staging copy. */
export const LOCAL_ENTRY = 'key = path';

const SORTS: Record<LakeFileSort, string> = {
  imported: 'imported_at',
  key: 'key',
  size: 'size',
  rows: 'rows',
  quarantined: 'quarantined',
};

const STAT_CONCURRENCY = 16;

export async function filesPage(ws: Workspace, req: LakeFilesRequest): Promise<LakeFilesPage> {
  const sort = req.sort ?? 'imported';
  requireOneOf(sort, 'sort', Object.keys(SORTS));
  optional(req.status, (v) => requireOneOf(v, 'status', LAKE_FILE_STATUSES));
  optional(req.stream, (v) => requireOneOf(v, 'stream', Object.keys(LOGS)));
  optional(req.search, (v) => requireText(v, 'search'));
  const limit = clamp(req.limit ?? FILES_PAGE.default, 1, FILES_PAGE.max);
  const offset = clamp(req.offset ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const desc = req.desc ?? sort !== 'key';

  // Filters other than status: the status counts are taken under these.
  const where: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  if (req.stream) (where.push('stream = $stream'), (params.stream = req.stream));
  if (req.search?.trim()) (where.push('strpos(lower(key), lower($search)) > 0'), (params.search = req.search.trim()));
  if (req.missing) (where.push('file_id IN (SELECT unnest($missing::INTEGER[]))'), (params.missing = listValue(await missingFileIds(ws))));
  const base = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const filtered = req.status ? `WHERE ${[...where, 'status = $status'].join(' AND ')}` : base;
  const filteredParams = req.status ? { ...params, status: req.status } : params;

  const byStatus = Object.fromEntries(LAKE_FILE_STATUSES.map((s) => [s, 0])) as Record<LakeFileStatus, number>;
  for (const [status, n] of (await ws.db.runAndReadAll(`SELECT status, count(*)::DOUBLE FROM lake_file ${base} GROUP BY status`, params)).getRows()) {
    byStatus[String(status) as LakeFileStatus] = Number(n);
  }
  const matching = Number((await ws.db.runAndReadAll(`SELECT count(*)::DOUBLE FROM lake_file ${filtered}`, filteredParams)).getRows()[0][0]);
  const dir = desc ? 'DESC' : 'ASC';
  const batch = await readColumns(
    await ws.db.run(
      `SELECT file_id, key, path, stream, format, compression, size, records, rows, quarantined, outside, status, imported_at, ${LOCAL_ENTRY} AS local
       FROM lake_file ${filtered} ORDER BY ${SORTS[sort]} ${dir}, file_id ${dir} LIMIT ${limit} OFFSET ${offset}`,
      filteredParams,
    ),
  );
  // The `local` helper column becomes `missing`: only this page's local files are checked on disk.
  const [local] = batch.columns.splice(-1);
  const ids = numberValues(batch.columns[0]);
  const candidates = [...ids].flatMap((fileId, i) => (cellValue(local, i) === true ? [{ fileId, path: String(cellValue(batch.columns[2], i)) }] : []));
  const gone = await goneFrom(candidates);
  batch.columns.push({ name: 'missing', type: 'BOOLEAN', kind: 'bool', values: Uint8Array.from(ids, (id) => (gone.has(id) ? 1 : 0)) } satisfies Column);
  return { matching, byStatus, batch };
}

/** The file_id of every local ledger entry whose file is gone from disk. */
export async function missingFileIds(ws: Workspace): Promise<number[]> {
  const rows = (await ws.db.runAndReadAll(`SELECT file_id, path FROM lake_file WHERE ${LOCAL_ENTRY} ORDER BY file_id`)).getRows();
  return [...(await goneFrom(rows.map((r) => ({ fileId: Number(r[0]), path: String(r[1]) }))))].sort((a, b) => a - b);
}

/**
 * Which of these files are gone. Only "no such file" counts: a file we may not read (EACCES, a
 * disconnected share answering EIO) is not declared missing, so nothing is forgotten on a hiccup.
 */
async function goneFrom(entries: { fileId: number; path: string }[]): Promise<Set<number>> {
  const gone = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const e = entries[next++];
      await stat(e.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') gone.add(e.fileId);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, entries.length) }, worker));
  return gone;
}

/**
 * Forgetting ledger entries: a file imported and later deleted from disk otherwise keeps its rows
 * forever, because the import only ever looks at files that exist.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { resolve, sep } from 'node:path';
import { ApiError } from '../../shared/api/envelope.ts';
import type { ForgetSummary } from '../../shared/api/lake.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { LOCAL_ENTRY, missingFileIds } from './ledger.ts';
import { LOGS } from './logs.ts';
import { inTransaction, withConnection } from '../workspace/db.ts';
import { requireInteger } from '../../shared/api/validate.ts';

/** What forgetting these entries would remove; nothing changes. */
export async function forgetSummary(ws: Workspace, fileIds: readonly number[]): Promise<ForgetSummary> {
  if (fileIds.length === 0) return { files: 0, rows: 0, quarantined: 0 };
  const list = idList(fileIds);
  const r = (
    await ws.db.runAndReadAll(
      `SELECT count(*)::DOUBLE, coalesce(sum(rows), 0)::DOUBLE, (SELECT count(*) FROM lake_quarantine WHERE file_id IN (${list}))::DOUBLE FROM lake_file WHERE file_id IN (${list})`,
    )
  ).getRows()[0];
  return { files: Number(r[0]), rows: Number(r[1]), quarantined: Number(r[2]) };
}

/** Every local entry whose file is gone, and what forgetting them would remove. */
export async function missingSummary(ws: Workspace): Promise<ForgetSummary> {
  return forgetSummary(ws, await missingFileIds(ws));
}

/**
 * Removes the entries, their rows in every stream and their quarantined lines in one transaction,
 * so a failure leaves the workspace as it was. Unknown ids and S3-synced entries are refused before
 * anything is deleted: the sync's own ledger (s3_object) would otherwise believe their rows are still here.
 */
export async function forgetFiles(ws: Workspace, fileIds: readonly number[]): Promise<ForgetSummary> {
  const ids = [...new Set(fileIds)];
  for (const id of ids) requireInteger(id, 'fileIds');
  if (ids.length === 0) return { files: 0, rows: 0, quarantined: 0 };
  const list = idList(ids);
  return withConnection(ws, (conn) =>
    inTransaction(conn, async () => {
      const known = (await conn.runAndReadAll(`SELECT file_id, key, ${LOCAL_ENTRY} FROM lake_file WHERE file_id IN (${list})`)).getRows();
      const unknown = ids.filter((id) => !known.some((r) => Number(r[0]) === id));
      if (unknown.length) throw new ApiError('NOT_FOUND', `no ledger entry with file_id ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`);
      const synced = known.filter((r) => !r[2]).map((r) => String(r[1]));
      if (synced.length)
        throw new ApiError(
          'BAD_REQUEST',
          `${synced[0]}${synced.length > 1 ? ` and ${synced.length - 1} more` : ''} came from an S3 sync; the sync manages its objects`,
        );
      return deleteFiles(conn, ids);
    }),
  );
}

/** Deletes ledger entries with their rows and quarantined lines; the caller holds the transaction (import replaces files this way too). */
export async function deleteFiles(conn: DuckDBConnection, fileIds: readonly number[]): Promise<ForgetSummary> {
  const list = idList(fileIds);
  let rows = 0;
  for (const spec of Object.values(LOGS)) rows += (await conn.run(`DELETE FROM ${spec.table} WHERE file_id IN (${list})`)).rowsChanged;
  const quarantined = (await conn.run(`DELETE FROM lake_quarantine WHERE file_id IN (${list})`)).rowsChanged;
  const files = (await conn.run(`DELETE FROM lake_file WHERE file_id IN (${list})`)).rowsChanged;
  return { files, rows, quarantined };
}

/**
 * The local entries imported from a file or anything under a folder (present on disk or not); the
 * path is made absolute, as the ledger keeps it. With `dryRun`, what forgetting them would remove.
 */
export async function forgetUnder(ws: Workspace, path: string, dryRun = false): Promise<ForgetSummary> {
  const abs = resolve(path).replace(/[\\/]+$/, '') || sep;
  const rows = (
    await ws.db.runAndReadAll(`SELECT file_id FROM lake_file WHERE ${LOCAL_ENTRY} AND (key = $1 OR starts_with(key, $2)) ORDER BY file_id`, [
      abs,
      abs.endsWith(sep) ? abs : abs + sep,
    ])
  ).getRows();
  if (rows.length === 0) throw new ApiError('NOT_FOUND', `no imported file is at or under ${abs}`);
  const ids = rows.map((r) => Number(r[0]));
  return dryRun ? forgetSummary(ws, ids) : forgetFiles(ws, ids);
}

/** Forgets every local entry whose file is gone, as checked now. */
export async function forgetMissing(ws: Workspace): Promise<ForgetSummary> {
  return forgetFiles(ws, await missingFileIds(ws));
}

/** Ids are checked integers, so a literal list is safe and keeps DuckDB's IN-list plan. */
function idList(ids: readonly number[]): string {
  return ids.map((id) => String(Math.trunc(id))).join(', ');
}

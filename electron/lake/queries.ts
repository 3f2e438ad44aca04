/** Read-only views of the lake for the Sources view: partitions and the quarantine (the ledger's page is in ledger.ts). */
import type { PartitionCount, QuarantineRow } from '../../shared/api/lake.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { LOGS } from './logs.ts';
import { optional, requireInteger } from '../../shared/api/validate.ts';

export async function partitions(ws: Workspace): Promise<PartitionCount[]> {
  const parts = Object.values(LOGS).map(
    (s) =>
      `SELECT '${s.name}' AS stream, year, month, day, hour, count(*)::DOUBLE AS rows, count(DISTINCT file_id)::DOUBLE AS files FROM ${s.table} GROUP BY ALL`,
  );
  const rows = (await ws.db.runAndReadAll(`${parts.join(' UNION ALL ')} ORDER BY stream, year, month, day, hour`)).getRows();
  return rows.map((r) => ({
    stream: String(r[0]) as PartitionCount['stream'],
    day: `${String(r[1]).padStart(4, '0')}-${String(r[2]).padStart(2, '0')}-${String(r[3]).padStart(2, '0')}`,
    hour: Number(r[4]),
    rows: Number(r[5]),
    files: Number(r[6]),
  }));
}

/** Quarantined lines in file and line order; with `fileId`, only that ledger entry's. */
export async function quarantine(ws: Workspace, limit = 500, offset = 0, fileId?: number): Promise<{ total: number; entries: QuarantineRow[] }> {
  optional(fileId, (v) => requireInteger(v, 'fileId'));
  const where = fileId === undefined ? '' : `WHERE file_id = ${fileId}`;
  const total = Number((await ws.db.runAndReadAll(`SELECT count(*)::DOUBLE FROM lake_quarantine ${where}`)).getRows()[0][0]);
  const rows = (
    await ws.db.runAndReadAll(`SELECT source, line::DOUBLE, reason, raw FROM lake_quarantine ${where} ORDER BY source, line LIMIT $1 OFFSET $2`, [
      clamp(limit, 1, 10_000),
      Math.max(0, Math.floor(offset)),
    ])
  ).getRows();
  return { total, entries: rows.map((r) => ({ file: String(r[0]), line: Number(r[1]), reason: String(r[2]), raw: r[3] === null ? null : String(r[3]) })) };
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(Number.isFinite(n) ? n : lo)));
}

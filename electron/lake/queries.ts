/** Read-only views of the lake for the Sources view: partitions, the ledger, the quarantine. */
import type { LakeFile, PartitionCount, QuarantineRow } from '../../shared/api/lake.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { STREAMS } from './streams.ts';

export async function partitions(ws: Workspace): Promise<PartitionCount[]> {
  const parts = Object.values(STREAMS).map(
    (s) => `SELECT '${s.name}' AS stream, year, month, day, hour, count(*)::DOUBLE AS rows, count(DISTINCT file_id)::DOUBLE AS files FROM ${s.table} GROUP BY ALL`,
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

export async function quarantine(ws: Workspace, limit = 500, offset = 0): Promise<{ total: number; entries: QuarantineRow[] }> {
  const total = Number((await ws.db.runAndReadAll('SELECT count(*)::DOUBLE FROM lake_quarantine')).getRows()[0][0]);
  const rows = (
    await ws.db.runAndReadAll(`SELECT source, line::DOUBLE, reason, raw FROM lake_quarantine ORDER BY source, line LIMIT $1 OFFSET $2`, [clamp(limit, 1, 10_000), Math.max(0, Math.floor(offset))])
  ).getRows();
  return { total, entries: rows.map((r) => ({ file: String(r[0]), line: Number(r[1]), reason: String(r[2]), raw: r[3] === null ? null : String(r[3]) })) };
}

export async function files(ws: Workspace, limit = 1000): Promise<LakeFile[]> {
  const rows = (
    await ws.db.runAndReadAll(
      `SELECT file_id, key, path, stream, format, compression, size::DOUBLE, version, records::DOUBLE, rows::DOUBLE, quarantined::DOUBLE, outside::DOUBLE, status,
         strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ')
       FROM lake_file ORDER BY key LIMIT $1`,
      [clamp(limit, 1, 100_000)],
    )
  ).getRows();
  return rows.map((r) => ({
    fileId: Number(r[0]),
    key: String(r[1]),
    path: String(r[2]),
    stream: String(r[3]) as LakeFile['stream'],
    format: String(r[4]) as LakeFile['format'],
    compression: String(r[5]) as LakeFile['compression'],
    size: Number(r[6]),
    version: String(r[7]),
    records: Number(r[8]),
    rows: Number(r[9]),
    quarantined: Number(r[10]),
    outside: Number(r[11]),
    status: String(r[12]) as LakeFile['status'],
    importedAt: String(r[13]),
  }));
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(Number.isFinite(n) ? n : lo)));
}

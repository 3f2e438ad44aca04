import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BanExportRequest, FlaggedPlayer } from '../../shared/api/investigate.ts';
import { csvDocument } from '../../shared/csv.ts';
import type { ExportedFile } from '../../shared/api/sql.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { flaggedPlayers } from './flagged.ts';

export const BAN_COLUMNS = ['pidx', 'uclass', 'ulevel', 'verdict', 'reasons', 'max_score', 'anomalous_rows', 'first_seen', 'last_seen', 'note', 'run_id', 'exported_at'] as const;

/**
 * The ban list for live ops: RFC 4180 CSV (UTF-8, CRLF, header row) of the players with a `ban`
 * verdict (or every verdict), in ranking order. Text cells are neutralised against formula injection;
 * numbers stay numbers. Works before any scoring run (the score columns are then empty).
 */
export async function banListCsv(ws: Workspace, req: BanExportRequest = {}, now = new Date()): Promise<{ csv: string; rows: number }> {
  const list = await flaggedPlayers(ws, { ...(req.runId !== undefined ? { runId: req.runId } : {}), ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}) });
  const include = req.include ?? 'ban';
  const chosen = list.players.filter((p) => (include === 'all' ? p.verdict !== null : p.verdict === 'ban'));
  const runId = list.summary.run?.id ?? null;
  const exportedAt = now.toISOString();
  const rows = chosen.map((p: FlaggedPlayer) => [
    p.pidx,
    p.uclass,
    p.ulevel,
    p.verdict,
    p.reasons.join('; '),
    p.maxScore,
    p.anomalousRows,
    p.firstSeen,
    p.lastSeen,
    p.note,
    runId,
    exportedAt,
  ]);
  return { csv: csvDocument(BAN_COLUMNS, rows, { neutralizeFormulas: true }), rows: rows.length };
}

/** Writes the ban list to `out`, or to the workspace's exports folder when no path is given. */
export async function exportBanList(ws: Workspace, req: BanExportRequest = {}, out?: string): Promise<ExportedFile> {
  const now = new Date();
  const { csv, rows } = await banListCsv(ws, req, now);
  const name = `bans-${now.toISOString().replace(/[:.]/g, '-')}.csv`;
  const path = out ?? join(ws.dataDir, 'exports', name);
  await mkdir(dirname(path), { recursive: true });
  const bytes = Buffer.from(csv, 'utf8');
  await writeFile(path, bytes);
  return { path, name: path.replace(/^.*[\\/]/, ''), bytes: bytes.length, rows };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { exportPath } from '../workspace/exports.ts';
import type { BanExportRequest, FlaggedPlayer } from '../../shared/api/investigate.ts';
import { csvDocument } from '../../shared/csv.ts';
import type { ExportedFile } from '../../shared/api/sql.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { flaggedPlayers } from './flagged.ts';
import { decisions as verdictDecisions, type Decision } from './verdictHistory.ts';

export const BAN_COLUMNS = [
  'pidx',
  'uclass',
  'ulevel',
  'verdict',
  'reasons',
  'max_score',
  'anomalous_rows',
  'first_seen',
  'last_seen',
  'note',
  'run_id',
  'exported_at',
] as const;
/** With `evidence`: the decision behind each row — when, on which run, and what the analyst was shown then. */
export const EVIDENCE_COLUMNS = ['player_score', 'flagged_by', 'decided_at', 'decided_run_id', 'reasons_at_decision', 'max_score_at_decision'] as const;
/** Excel reads a CSV as the local code page unless it starts with this. */
const UTF8_BOM = '\uFEFF';

/**
 * The ban list for live ops: RFC 4180 CSV (UTF-8, CRLF, header row) of the players with a `ban`
 * verdict (or every verdict), in ranking order. Text cells are neutralised against formula injection;
 * numbers stay numbers. Works before any scoring run (the score columns are then empty). `evidence`
 * adds the decision's columns (EVIDENCE_COLUMNS); `bom` starts the file with a UTF-8 BOM for Excel.
 */
export async function banListCsv(ws: Workspace, req: BanExportRequest = {}, now = new Date()): Promise<{ csv: string; rows: number }> {
  const list = await flaggedPlayers(ws, {
    ...(req.runId !== undefined ? { runId: req.runId } : {}),
    ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}),
  });
  const include = req.include ?? 'ban';
  const chosen = list.players.filter((p) => (include === 'all' ? p.verdict !== null : p.verdict === 'ban'));
  const runId = list.summary.run?.id ?? null;
  const exportedAt = now.toISOString();
  const decisions = req.evidence ? await verdictDecisions(ws) : null;
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
    ...(decisions ? decisionCells(p, decisions.get(p.pidx)) : []),
  ]);
  const header = decisions ? [...BAN_COLUMNS, ...EVIDENCE_COLUMNS] : BAN_COLUMNS;
  return { csv: (req.bom ? UTF8_BOM : '') + csvDocument(header, rows, { neutralizeFormulas: true }), rows: rows.length };
}

function decisionCells(p: FlaggedPlayer, decision: Decision | undefined): unknown[] {
  const e = decision?.evidence ?? null;
  return [p.suspicion, p.flaggedBy, decision?.decidedAt ?? null, decision?.runId ?? null, e ? e.reasons.join('; ') : null, e?.maxScore ?? null];
}

/** Writes the ban list to `out`, or to the workspace's exports folder when no path is given. */
export async function exportBanList(ws: Workspace, req: BanExportRequest = {}, out?: string): Promise<ExportedFile> {
  const now = new Date();
  const { csv, rows } = await banListCsv(ws, req, now);
  const path = out ?? (await exportPath(ws, 'bans', 'csv', now)).path;
  await mkdir(dirname(path), { recursive: true });
  const bytes = Buffer.from(csv, 'utf8');
  await writeFile(path, bytes);
  return { path, name: basename(path), bytes: bytes.length, rows };
}

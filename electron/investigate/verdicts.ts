import { ApiError } from '../../shared/api/envelope.ts';
import { VERDICTS, type Verdict, type VerdictRecord } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { isoTime, tableExists } from './sqlUtil.ts';

const MAX_NOTE = 4000;

export function checkVerdict(v: unknown): Verdict {
  if (!VERDICTS.includes(v as Verdict)) throw new ApiError('BAD_REQUEST', `verdict must be one of ${VERDICTS.join(', ')}, got "${String(v)}"`);
  return v as Verdict;
}

function toRecord(r: Record<string, unknown>): VerdictRecord {
  return { pidx: Number(r.pidx), verdict: r.verdict as Verdict, note: String(r.note), decidedAt: isoTime(r.decided_at), runId: r.run_id === null ? null : Number(r.run_id) };
}

/** Players the workspace knows: in the play log or the user log. Before any import, none. */
async function playerKnown(ws: Workspace, pidx: number): Promise<boolean> {
  const sources = [];
  if (await tableExists(ws, 'playlog')) sources.push('SELECT 1 FROM playlog WHERE pidx = $1');
  if (await tableExists(ws, 'userlog')) sources.push('SELECT 1 FROM userlog WHERE pidx = $1');
  if (sources.length === 0) return false;
  const r = await ws.db.runAndReadAll(`SELECT EXISTS (${sources.join(' UNION ALL ')})`, [pidx]);
  return r.getRows()[0][0] === true;
}

/** Records (or replaces) a player's verdict; the player must be one the workspace has seen. */
export async function setVerdict(ws: Workspace, pidx: number, verdict: unknown, note = '', runId: number | null = null): Promise<VerdictRecord> {
  if (!Number.isInteger(pidx)) throw new ApiError('BAD_REQUEST', `pidx must be a whole number, got ${pidx}`);
  const v = checkVerdict(verdict);
  if (typeof note !== 'string') throw new ApiError('BAD_REQUEST', 'note must be text');
  if (note.length > MAX_NOTE) throw new ApiError('BAD_REQUEST', `a note is at most ${MAX_NOTE} characters`);
  if (!(await playerKnown(ws, pidx))) throw new ApiError('NOT_FOUND', `no player ${pidx} in this workspace's play or user logs`);
  const r = await ws.db.runAndReadAll(
    `INSERT OR REPLACE INTO rz_verdict VALUES ($1, $2, $3, now()::TIMESTAMP, $4) RETURNING pidx, verdict, note, decided_at, run_id`,
    [pidx, v, note, runId],
  );
  return toRecord(r.getRowObjectsJS()[0]);
}

export async function clearVerdict(ws: Workspace, pidx: number): Promise<boolean> {
  return (await ws.db.run('DELETE FROM rz_verdict WHERE pidx = $1', [pidx])).rowsChanged > 0;
}

export async function getVerdict(ws: Workspace, pidx: number): Promise<VerdictRecord | null> {
  const rows = (await ws.db.runAndReadAll('SELECT pidx, verdict, note, decided_at, run_id FROM rz_verdict WHERE pidx = $1', [pidx])).getRowObjectsJS();
  return rows.length ? toRecord(rows[0]) : null;
}

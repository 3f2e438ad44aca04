import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlayerVerdict, VerdictAction, VerdictEvidence, VerdictHistoryEntry } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { flaggedPlayers } from './flagged.ts';
import { isoTime } from './sqlUtil.ts';

/**
 * The audit trail (rz_verdict_history): one entry per change of a player's verdict or note, with the
 * evidence the analyst was shown at that moment. Typing does not flood it: a note saved within
 * NOTE_AMEND_MS of the player's previous 'set' or 'note' entry amends that entry instead.
 */
const NOTE_AMEND_MS = 2 * 60_000;

export interface HistoryChange {
  pidx: number;
  action: VerdictAction;
  verdict: PlayerVerdict | null;
  note: string;
  runId: number | null;
  evidence: VerdictEvidence | null;
}

/** The player's evidence as the flagged table shows it for that run (null for a player it cannot rank). */
export async function evidenceFor(ws: Workspace, pidx: number, runId: number | null): Promise<VerdictEvidence | null> {
  try {
    const list = await flaggedPlayers(ws, runId === null ? {} : { runId }, { pidx });
    const p = list.players[0];
    return p ? { flaggedBy: p.flaggedBy, reasons: p.reasons, maxScore: p.maxScore, anomalousRows: p.anomalousRows, playerScore: p.suspicion } : null;
  } catch {
    return null; // a deleted run: the change is still recorded, without evidence
  }
}

/** Appends the changes (inside the caller's transaction on `conn`). */
export async function recordHistory(conn: DuckDBConnection, changes: readonly HistoryChange[]): Promise<void> {
  for (const c of changes) {
    if (c.action === 'note') {
      const amended = await conn.run(
        `UPDATE rz_verdict_history SET note = $2, changed_at = now()::TIMESTAMP
         WHERE id = (SELECT max(id) FROM rz_verdict_history WHERE pidx = $1)
           AND action IN ('set', 'note') AND verdict IS NOT DISTINCT FROM $3 AND changed_at >= now()::TIMESTAMP - to_milliseconds($4)`,
        [c.pidx, c.note, c.verdict, NOTE_AMEND_MS],
      );
      if (amended.rowsChanged > 0) continue;
    }
    await conn.run(
      `INSERT INTO rz_verdict_history (pidx, action, verdict, note, changed_at, run_id, evidence) VALUES ($1, $2, $3, $4, now()::TIMESTAMP, $5, $6)`,
      [c.pidx, c.action, c.verdict, c.note, c.runId, c.evidence === null ? null : JSON.stringify(c.evidence)],
    );
  }
}

function toEntry(r: Record<string, unknown>): VerdictHistoryEntry {
  return {
    id: Number(r.id),
    pidx: Number(r.pidx),
    action: r.action as VerdictAction,
    verdict: r.verdict === null ? null : (r.verdict as PlayerVerdict),
    note: String(r.note),
    at: isoTime(r.changed_at),
    runId: r.run_id === null ? null : Number(r.run_id),
    evidence: r.evidence === null ? null : (JSON.parse(String(r.evidence)) as VerdictEvidence),
  };
}

export async function verdictHistory(ws: Workspace, pidx: number): Promise<VerdictHistoryEntry[]> {
  const r = await ws.db.runAndReadAll('SELECT * FROM rz_verdict_history WHERE pidx = $1 ORDER BY id DESC', [pidx]);
  return r.getRowObjectsJS().map(toEntry);
}

export interface Decision {
  decidedAt: string;
  runId: number | null;
  /** What the analyst was shown when deciding (null for verdicts older than the history). */
  evidence: VerdictEvidence | null;
}

/** Each current verdict's decision: its time and run, and the evidence of its latest 'set' or 'undo' entry. */
export async function decisions(ws: Workspace): Promise<Map<number, Decision>> {
  const r = await ws.db.runAndReadAll(
    `SELECT v.pidx, v.decided_at, v.run_id, h.evidence FROM rz_verdict v
     LEFT JOIN (SELECT pidx, evidence FROM rz_verdict_history WHERE action IN ('set', 'undo') AND verdict IS NOT NULL
                QUALIFY row_number() OVER (PARTITION BY pidx ORDER BY id DESC) = 1) h USING (pidx)`,
  );
  return new Map(
    r.getRowObjectsJS().map((row) => [
      Number(row.pidx),
      {
        decidedAt: isoTime(row.decided_at),
        runId: row.run_id === null ? null : Number(row.run_id),
        evidence: row.evidence === null ? null : (JSON.parse(String(row.evidence)) as VerdictEvidence),
      },
    ]),
  );
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import { parsePlayerVerdict, VERDICTS, type PlayerVerdict, type VerdictChange, type VerdictRecord } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { isoTime, tableExists } from './sqlUtil.ts';
import { evidenceFor, recordHistory, type HistoryChange } from './verdictHistory.ts';
import { inTransaction, withConnection } from '../workspace/db.ts';
import { requireInteger, requireText } from '../../shared/api/validate.ts';

const MAX_NOTE = 4000;
/** A bulk verdict covers at most this many players (a page of the flagged table is far fewer). */
const MAX_BULK = 5000;

/** The canonical verdict for any accepted spelling ('false-positive' still works); anything else is refused. */
export function checkVerdict(v: unknown): PlayerVerdict {
  const verdict = parsePlayerVerdict(v);
  if (!verdict) throw new ApiError('BAD_REQUEST', `verdict must be one of ${VERDICTS.join(', ')}, got "${String(v)}"`);
  return verdict;
}

function checkNote(value: unknown): string {
  const note = requireText(value, 'note');
  if (note.length > MAX_NOTE) throw new ApiError('BAD_REQUEST', `a note is at most ${MAX_NOTE} characters`);
  return note;
}

const checkPidx = (pidx: unknown): number => requireInteger(pidx, 'pidx');

function toRecord(r: Record<string, unknown>): VerdictRecord {
  return {
    pidx: Number(r.pidx),
    verdict: r.verdict as PlayerVerdict,
    note: String(r.note),
    decidedAt: isoTime(r.decided_at),
    runId: r.run_id === null ? null : Number(r.run_id),
  };
}

/** The players among `pidxs` the workspace has never seen (in the play log or the user log). */
async function unknownPlayers(ws: Workspace, pidxs: readonly number[]): Promise<number[]> {
  const sources = [];
  if (await tableExists(ws, 'playlog')) sources.push('SELECT pidx FROM playlog');
  if (await tableExists(ws, 'userlog')) sources.push('SELECT pidx FROM userlog');
  if (sources.length === 0) return [...pidxs];
  const list = pidxs.join(',');
  const r = await ws.db.runAndReadAll(
    `SELECT p FROM unnest([${list}]::INTEGER[]) AS t(p) WHERE p NOT IN (SELECT pidx FROM (${sources.join(' UNION ALL ')}) WHERE pidx IN (${list}))`,
  );
  return r.getRows().map((row) => Number(row[0]));
}

async function requireKnown(ws: Workspace, pidxs: readonly number[]): Promise<void> {
  const unknown = await unknownPlayers(ws, pidxs);
  if (unknown.length)
    throw new ApiError('NOT_FOUND', `no player ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ' …' : ''} in this workspace's play or user logs`);
}

/** Runs `work` in one transaction on its own connection: the verdicts and their history change together or not at all. */
function inOwnTransaction<T>(ws: Workspace, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return withConnection(ws, (conn) => inTransaction(conn, () => work(conn)));
}

/** Records (or replaces) one verdict and note for each player; every player must be one the workspace has seen. */
export async function setVerdicts(
  ws: Workspace,
  pidxs: readonly unknown[],
  verdict: unknown,
  note: unknown = '',
  runId: number | null = null,
): Promise<VerdictChange> {
  if (!Array.isArray(pidxs) || pidxs.length === 0) throw new ApiError('BAD_REQUEST', 'give at least one player (pidxs)');
  if (pidxs.length > MAX_BULK) throw new ApiError('BAD_REQUEST', `at most ${MAX_BULK} players at once`);
  const players = [...new Set(pidxs.map(checkPidx))];
  const v = checkVerdict(verdict);
  const text = checkNote(note);
  await requireKnown(ws, players);
  const changes: HistoryChange[] = [];
  for (const pidx of players) changes.push({ pidx, action: 'set', verdict: v, note: text, runId, evidence: await evidenceFor(ws, pidx, runId) });
  return inOwnTransaction(ws, async (conn) => {
    const records: VerdictRecord[] = [];
    const previous: (VerdictRecord | null)[] = [];
    for (const pidx of players) {
      const before = (await conn.runAndReadAll('SELECT pidx, verdict, note, decided_at, run_id FROM rz_verdict WHERE pidx = $1', [pidx])).getRowObjectsJS();
      previous.push(before.length ? toRecord(before[0]) : null);
      const r = await conn.runAndReadAll(
        `INSERT OR REPLACE INTO rz_verdict VALUES ($1, $2, $3, now()::TIMESTAMP, $4) RETURNING pidx, verdict, note, decided_at, run_id`,
        [pidx, v, text, runId],
      );
      records.push(toRecord(r.getRowObjectsJS()[0]));
    }
    await recordHistory(conn, changes);
    return { records, previous };
  });
}

/** Records (or replaces) a player's verdict; the player must be one the workspace has seen. */
export async function setVerdict(ws: Workspace, pidx: number, verdict: unknown, note: unknown = '', runId: number | null = null): Promise<VerdictRecord> {
  return (await setVerdicts(ws, [pidx], verdict, note, runId)).records[0];
}

/** Changes the note of the player's current verdict, keeping the verdict and its decision time. */
export async function saveNote(ws: Workspace, pidx: number, note: unknown): Promise<VerdictRecord> {
  const text = checkNote(note);
  const current = await getVerdict(ws, checkPidx(pidx));
  if (!current) throw new ApiError('NOT_FOUND', `player ${pidx} has no verdict yet: choose one, and the note is saved with it`);
  if (current.note === text) return current;
  return inOwnTransaction(ws, async (conn) => {
    const r = await conn.runAndReadAll('UPDATE rz_verdict SET note = $2 WHERE pidx = $1 RETURNING pidx, verdict, note, decided_at, run_id', [pidx, text]);
    await recordHistory(conn, [{ pidx, action: 'note', verdict: current.verdict, note: text, runId: current.runId, evidence: null }]);
    return toRecord(r.getRowObjectsJS()[0]);
  });
}

export async function clearVerdict(ws: Workspace, pidx: number): Promise<boolean> {
  const current = await getVerdict(ws, checkPidx(pidx));
  if (!current) return false;
  const evidence = await evidenceFor(ws, pidx, current.runId);
  return inOwnTransaction(ws, async (conn) => {
    await conn.run('DELETE FROM rz_verdict WHERE pidx = $1', [pidx]);
    await recordHistory(conn, [{ pidx, action: 'clear', verdict: null, note: current.note, runId: current.runId, evidence }]);
    return true;
  });
}

/** Undo: each player's verdict back as it was (its note, decision time and run too), or none. */
export async function restoreVerdicts(ws: Workspace, states: readonly { pidx: number; previous: VerdictRecord | null }[]): Promise<number> {
  if (!Array.isArray(states) || states.length === 0) throw new ApiError('BAD_REQUEST', 'give the states to restore');
  if (states.length > MAX_BULK) throw new ApiError('BAD_REQUEST', `at most ${MAX_BULK} players at once`);
  const checked = states.map((s) => {
    const pidx = checkPidx(s?.pidx);
    const p = s.previous;
    if (p === null || p === undefined) return { pidx, previous: null };
    const decidedAt = Date.parse(String(p.decidedAt));
    if (!Number.isFinite(decidedAt)) throw new ApiError('BAD_REQUEST', `previous.decidedAt of player ${pidx} must be an ISO time`);
    const runId = p.runId === null || p.runId === undefined ? null : checkPidx(p.runId);
    return {
      pidx,
      previous: { verdict: checkVerdict(p.verdict), note: checkNote(p.note ?? ''), decidedAt: new Date(decidedAt).toISOString().replace('Z', ''), runId },
    };
  });
  const changes: HistoryChange[] = [];
  for (const s of checked) {
    const runId = s.previous?.runId ?? null;
    changes.push({
      pidx: s.pidx,
      action: 'undo',
      verdict: s.previous?.verdict ?? null,
      note: s.previous?.note ?? '',
      runId,
      evidence: await evidenceFor(ws, s.pidx, runId),
    });
  }
  return inOwnTransaction(ws, async (conn) => {
    for (const { pidx, previous } of checked) {
      if (previous)
        await conn.run('INSERT OR REPLACE INTO rz_verdict VALUES ($1, $2, $3, $4::TIMESTAMP, $5)', [
          pidx,
          previous.verdict,
          previous.note,
          previous.decidedAt,
          previous.runId,
        ]);
      else await conn.run('DELETE FROM rz_verdict WHERE pidx = $1', [pidx]);
    }
    await recordHistory(conn, changes);
    return checked.length;
  });
}

export async function getVerdict(ws: Workspace, pidx: number): Promise<VerdictRecord | null> {
  const rows = (await ws.db.runAndReadAll('SELECT pidx, verdict, note, decided_at, run_id FROM rz_verdict WHERE pidx = $1', [pidx])).getRowObjectsJS();
  return rows.length ? toRecord(rows[0]) : null;
}

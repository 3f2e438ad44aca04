import { textColumn, type Column, type ColumnBatch } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { FlaggedPage, FlaggedPageRequest, FlaggedPlayer } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { flaggedPlayers } from './flagged.ts';
import { playerMatcher } from './search.ts';
import { requireNumber } from '../../shared/api/validate.ts';

type Kind = 'number' | 'text' | 'timestamp';

/** The flagged-players table's columns, in display order, and how each reads from a FlaggedPlayer. */
export const TABLE_COLUMNS: { name: string; type: string; kind: Kind; get: (p: FlaggedPlayer) => number | string | null }[] = [
  { name: 'rank', type: 'INTEGER', kind: 'number', get: (p) => p.rank },
  { name: 'pidx', type: 'INTEGER', kind: 'number', get: (p) => p.pidx },
  { name: 'flagged_by', type: 'VARCHAR', kind: 'text', get: (p) => p.flaggedBy },
  { name: 'verdict', type: 'VARCHAR', kind: 'text', get: (p) => p.verdict ?? '' },
  { name: 'player_score', type: 'DOUBLE', kind: 'number', get: (p) => p.playerScore },
  { name: 'top_reason', type: 'VARCHAR', kind: 'text', get: (p) => p.topReason },
  { name: 'uclass', type: 'VARCHAR', kind: 'text', get: (p) => p.uclass },
  { name: 'ulevel', type: 'INTEGER', kind: 'number', get: (p) => p.ulevel },
  { name: 'rows', type: 'BIGINT', kind: 'number', get: (p) => p.rows },
  { name: 'anomalous_rows', type: 'BIGINT', kind: 'number', get: (p) => p.anomalousRows },
  { name: 'max_score', type: 'DOUBLE', kind: 'number', get: (p) => p.maxScore },
  { name: 'mean_score', type: 'DOUBLE', kind: 'number', get: (p) => p.meanScore },
  { name: 'zone_entries', type: 'BIGINT', kind: 'number', get: (p) => p.zoneEntries },
  { name: 'dwell_s', type: 'DOUBLE', kind: 'number', get: (p) => p.dwellSeconds },
  { name: 'longest_step', type: 'DOUBLE', kind: 'number', get: (p) => p.longestStep },
  { name: 'fastest_speed', type: 'DOUBLE', kind: 'number', get: (p) => p.fastestSpeed },
  { name: 'teleports', type: 'BIGINT', kind: 'number', get: (p) => p.teleports },
  { name: 'fast_run', type: 'BIGINT', kind: 'number', get: (p) => p.fastRun },
  { name: 'first_seen', type: 'TIMESTAMP', kind: 'timestamp', get: (p) => p.firstSeen || null },
  { name: 'last_seen', type: 'TIMESTAMP', kind: 'timestamp', get: (p) => p.lastSeen || null },
  { name: 'suspicion', type: 'DOUBLE', kind: 'number', get: (p) => p.suspicion },
  { name: 'reasons', type: 'VARCHAR', kind: 'text', get: (p) => p.reasons.join('; ') },
  { name: 'note', type: 'VARCHAR', kind: 'text', get: (p) => p.note ?? '' },
];

export function toBatch(players: readonly FlaggedPlayer[]): ColumnBatch {
  const n = players.length;
  const columns: Column[] = TABLE_COLUMNS.map((c) => {
    const values = players.map(c.get);
    if (c.kind === 'text') return textColumn(c.name, values as (string | null)[], c.type);
    const nums = new Float64Array(n);
    let nulls: Uint8Array | undefined;
    values.forEach((v, i) => {
      if (v === null) (nulls ??= new Uint8Array(n))[i] = 1;
      else nums[i] = c.kind === 'timestamp' ? Date.parse(String(v)) : Number(v);
    });
    return { name: c.name, type: c.type, kind: c.kind, values: nums, ...(nulls ? { nulls } : {}) } as Column;
  });
  return { rowCount: n, columns };
}

/** Filters, sorts (a stable sort over the ranked list, so ties keep the ranking) and pages. */
export function selectRows(players: readonly FlaggedPlayer[], req: Omit<FlaggedPageRequest, 'runId' | 'cutoff'>): { matching: number; rows: FlaggedPlayer[] } {
  const matches = playerMatcher(req.search);
  let rows = players.filter(
    (p) =>
      (!req.flaggedBy || req.flaggedBy === 'any' || p.flaggedBy === req.flaggedBy) &&
      (!req.verdict || req.verdict === 'any' || (req.verdict === 'none' ? p.verdict === null : p.verdict === req.verdict)) &&
      (!matches || matches(p)),
  );
  if (req.sort && req.sort !== 'rank') {
    const column = TABLE_COLUMNS.find((c) => c.name === req.sort);
    if (!column) throw new ApiError('BAD_REQUEST', `cannot sort by "${req.sort}"; columns: ${TABLE_COLUMNS.map((c) => c.name).join(', ')}`);
    const dir = req.desc ? -1 : 1;
    rows = [...rows].sort((a, b) => {
      const x = column.get(a);
      const y = column.get(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // nulls last either way
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  } else if (req.desc) rows = [...rows].reverse();
  const offset = Math.max(0, Math.floor(req.offset));
  const limit = Math.max(0, Math.min(10_000, Math.floor(req.limit)));
  return { matching: rows.length, rows: rows.slice(offset, offset + limit) };
}

export async function flaggedPage(ws: Workspace, req: FlaggedPageRequest): Promise<FlaggedPage> {
  requireNumber(req.offset, 'offset');
  requireNumber(req.limit, 'limit');
  const list = await flaggedPlayers(ws, {
    ...(req.runId !== undefined ? { runId: req.runId } : {}),
    ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}),
  });
  const { matching, rows } = selectRows(list.players, req);
  return { summary: list.summary, matching, batch: toBatch(rows) };
}

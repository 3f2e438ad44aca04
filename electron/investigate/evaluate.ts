import type { Evaluation, FlaggedPlayer } from '../../shared/api/investigate.ts';
import type { Workspace } from '../workspace/workspace.ts';

/**
 * Measures a ranked flagged list against known cheaters (pidx → behaviour): precision of the top N
 * (N = known cheaters), recall of the flagged list, average precision, and what was missed per
 * behaviour. `players` is the ranking as the table shows it; only players flagged by the rules or the
 * forest count as found (a verdict alone is the analyst's, not the detector's).
 */
export function evaluateRanking(
  players: readonly Pick<FlaggedPlayer, 'pidx' | 'flaggedBy'>[],
  known: ReadonlyMap<number, string>,
  runId: number | null,
  falsePositives?: ReadonlySet<number>,
): Evaluation {
  const flagged = players.filter((p) => p.flaggedBy !== 'none');
  const n = known.size;
  const top = flagged.slice(0, n).filter((p) => known.has(p.pidx)).length;
  let hits = 0;
  let ap = 0;
  flagged.forEach((p, i) => {
    if (!known.has(p.pidx)) return;
    hits++;
    ap += hits / (i + 1);
  });
  const found = new Set(flagged.filter((p) => known.has(p.pidx)).map((p) => p.pidx));
  const byBehaviour = new Map<string, { labelled: number; found: number; missed: number[] }>();
  for (const [pidx, behaviour] of known) {
    const b = byBehaviour.get(behaviour) ?? { labelled: 0, found: 0, missed: [] };
    b.labelled++;
    if (found.has(pidx)) b.found++;
    else b.missed.push(pidx);
    byBehaviour.set(behaviour, b);
  }
  return {
    runId,
    n,
    flagged: flagged.length,
    precisionAtN: n ? top / n : 0,
    recall: n ? found.size / n : 0,
    averagePrecision: n ? ap / n : 0,
    falsePositivesFlagged: falsePositives ? flagged.filter((p) => falsePositives.has(p.pidx)).length : null,
    behaviours: [...byBehaviour].sort(([a], [b]) => a.localeCompare(b)).map(([behaviour, b]) => ({ behaviour, ...b, missed: b.missed.sort((x, y) => x - y) })),
  };
}

/** labels.csv: a header, then `pidx[,behaviour]` per line (behaviour defaults to "cheater"). */
export function parseLabels(text: string): Map<number, string> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const out = new Map<number, string>();
  lines.forEach((line, i) => {
    const [a, b] = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const pidx = Number(a);
    if (!Number.isInteger(pidx)) {
      if (i === 0) return; // the header
      throw new Error(`labels line ${i + 1}: "${a}" is not a player id`);
    }
    out.set(pidx, b || 'cheater');
  });
  return out;
}

/** The analyst's own ground truth: players with a ban verdict are cheaters, false-positive verdicts are not. */
export async function knownFromVerdicts(ws: Workspace): Promise<{ known: Map<number, string>; falsePositives: Set<number> }> {
  const rows = (await ws.db.runAndReadAll("SELECT pidx, verdict FROM rz_verdict WHERE verdict IN ('ban', 'false-positive')")).getRows();
  return {
    known: new Map(rows.filter((r) => r[1] === 'ban').map((r) => [Number(r[0]), 'ban'])),
    falsePositives: new Set(rows.filter((r) => r[1] === 'false-positive').map((r) => Number(r[0]))),
  };
}

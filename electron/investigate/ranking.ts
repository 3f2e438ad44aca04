import type { FlaggedBy, FlaggedPlayer, RuleSettings } from '../../shared/api/investigate.ts';

/**
 * The ranking of the flagged-players table and of `flagged --json` ("most suspicious first"):
 *
 *   suspicion = rules fired + forest strength
 *
 *  - rules fired (0–3): one point each for entering a forbidden zone, a teleport (a step longer than
 *    the teleport threshold), and a speed run (the maximum speed exceeded on N consecutive moving
 *    steps). A rule is hard evidence of something the game does not allow, so each outweighs any
 *    forest signal alone.
 *  - forest strength (0–1): for a player the forest flags (at least `minAnomalousRows` rows at or above
 *    the cut-off), the player's excess — the sum over those rows of (score − cut-off) — divided by the
 *    largest excess of any player. Many rows far above the cut-off count most; a single row just over
 *    it counts little. 0 for players the forest does not flag.
 *
 * Ties go to more rules fired, then the higher max score, then the lower pidx, so the order is total
 * and repeatable.
 */

/** One player's evidence before ranking: the table row's own facts, with the forest's as one part. */
export interface PlayerEvidence
  extends Pick<
    FlaggedPlayer,
    'pidx' | 'uclass' | 'ulevel' | 'rows' | 'zoneEntries' | 'dwellSeconds' | 'longestStep' | 'fastestSpeed' | 'teleports' | 'fastRun' | 'firstSeen' | 'lastSeen' | 'verdict' | 'note'
  > {
  zoneNames: string[];
  /** Null when there is no run (or the run has no rows of this player). */
  forest: { anomalousRows: number; maxScore: number; meanScore: number; excess: number } | null;
}

export function rulesFired(e: PlayerEvidence, s: RuleSettings): { zone: boolean; teleport: boolean; speed: boolean } {
  return { zone: e.zoneEntries > 0, teleport: e.teleports > 0, speed: e.fastRun >= s.speedSteps };
}

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

function reasonsOf(e: PlayerEvidence, s: RuleSettings, cutoff: number | null, forestFlagged: boolean): string[] {
  const r = rulesFired(e, s);
  const out: string[] = [];
  if (r.zone) out.push(`entered ${e.zoneNames.join(', ') || 'a forbidden zone'} ${e.zoneEntries}× (dwell ${Math.round(e.dwellSeconds)} s)`);
  if (r.teleport) out.push(`teleported ${e.teleports}× (longest step ${round(e.longestStep, 1)})`);
  if (r.speed) out.push(`speed > ${s.maxSpeed}/move for ${e.fastRun} steps in a row (fastest ${round(e.fastestSpeed, 1)})`);
  if (forestFlagged && e.forest && cutoff !== null) out.push(`forest: ${e.forest.anomalousRows} rows ≥ ${round(cutoff)} (max ${round(e.forest.maxScore)})`);
  return out;
}

/** Ranks players (flagged ones and those with a verdict) most suspicious first. */
export function rankPlayers(players: readonly PlayerEvidence[], s: RuleSettings, cutoff: number | null): FlaggedPlayer[] {
  const forestFlagged = (e: PlayerEvidence) => !!e.forest && e.forest.anomalousRows >= s.minAnomalousRows;
  const maxExcess = players.reduce((m, e) => (forestFlagged(e) ? Math.max(m, e.forest!.excess) : m), 0);
  const rows = players.map((e) => {
    const r = rulesFired(e, s);
    const fired = Number(r.zone) + Number(r.teleport) + Number(r.speed);
    const forest = forestFlagged(e);
    const strength = forest ? (maxExcess > 0 ? e.forest!.excess / maxExcess : 1) : 0;
    const flaggedBy: FlaggedBy = fired > 0 && forest ? 'both' : fired > 0 ? 'rules' : forest ? 'forest' : 'none';
    const player: FlaggedPlayer = {
      rank: 0,
      pidx: e.pidx,
      uclass: e.uclass,
      ulevel: e.ulevel,
      rows: e.rows,
      anomalousRows: e.forest?.anomalousRows ?? null,
      maxScore: e.forest?.maxScore ?? null,
      meanScore: e.forest?.meanScore ?? null,
      zoneEntries: e.zoneEntries,
      dwellSeconds: e.dwellSeconds,
      longestStep: e.longestStep,
      fastestSpeed: e.fastestSpeed,
      teleports: e.teleports,
      fastRun: e.fastRun,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      flaggedBy,
      reasons: reasonsOf(e, s, cutoff, forest),
      suspicion: fired + strength,
      verdict: e.verdict,
      note: e.note,
    };
    return { player, fired };
  });
  rows.sort(
    (a, b) =>
      b.player.suspicion - a.player.suspicion ||
      b.fired - a.fired ||
      (b.player.maxScore ?? -Infinity) - (a.player.maxScore ?? -Infinity) ||
      a.player.pidx - b.player.pidx,
  );
  return rows.map(({ player }, i) => ({ ...player, rank: i + 1 }));
}

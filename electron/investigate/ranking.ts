import type { FlaggedBy, FlaggedPlayer, RuleSettings } from '../../shared/api/investigate.ts';

/**
 * The one ranking of the flagged-players table, `flagged --json` and the ban list ("most suspicious first"):
 *
 *   suspicion = rules fired + player-forest strength
 *
 *  - rules fired (0–3): one point each for entering a forbidden zone, a teleport (a step longer than
 *    the teleport threshold), and a speed run (the maximum speed exceeded on N consecutive moving
 *    steps), thresholds learned from the population (calibrate.ts). A rule is hard evidence of
 *    something the game does not allow, so each outweighs any forest signal alone.
 *  - player-forest strength (0–1): for a player whose profile scores at or above the player forest's
 *    cut-off (playerForest.ts: median + 10·1.4826·MAD of player scores), the score divided by the
 *    highest player score listed. 0 for players it does not flag.
 *
 * The row-level forest is evidence (a reason line, the drill-down, the map), not a flag: nearly every
 * player has some row above a row cut-off. Ties go to more rules fired, then the higher player score,
 * then the higher max row score, then the lower pidx, so the order is total and repeatable.
 */

/** One player's evidence before ranking: the table row's own facts, with the forest's as one part. */
export interface PlayerEvidence extends Pick<
  FlaggedPlayer,
  | 'pidx'
  | 'uclass'
  | 'ulevel'
  | 'rows'
  | 'zoneEntries'
  | 'dwellSeconds'
  | 'longestStep'
  | 'fastestSpeed'
  | 'teleports'
  | 'fastRun'
  | 'firstSeen'
  | 'lastSeen'
  | 'verdict'
  | 'note'
> {
  zoneNames: string[];
  /** Row-forest aggregates at the run's cut-off; null when there is no run (or the run has no rows of this player). */
  forest: { anomalousRows: number; maxScore: number; meanScore: number; excess: number } | null;
  /** The player forest's score and cut-off, with the profile feature that drove the score most; null without one. */
  player?: { score: number; cutoff: number; top: { label: string; value: number; median: number; digits: number } | null } | null;
}

export function rulesFired(e: PlayerEvidence, s: RuleSettings): { zone: boolean; teleport: boolean; speed: boolean } {
  return { zone: e.zoneEntries > 0, teleport: e.teleports > 0, speed: e.fastRun >= s.speedSteps };
}

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

const show = (v: number, digits: number) => (digits === 0 ? String(Math.round(v)) : String(+v.toPrecision(digits)));

/** "profile: timing regularity (CV of gaps) 0.003 (population median 1.1)". */
export function profileReason(top: { label: string; value: number; median: number; digits: number }): string {
  return `profile: ${top.label} ${show(top.value, top.digits)} (population median ${show(top.median, Math.max(top.digits, 2))})`;
}

function reasonsOf(e: PlayerEvidence, s: RuleSettings, cutoff: number | null, forestFlagged: boolean): string[] {
  const r = rulesFired(e, s);
  const out: string[] = [];
  const flaggedByProfile = !!e.player && e.player.score >= e.player.cutoff;
  if (r.zone) out.push(`entered ${e.zoneNames.join(', ') || 'a forbidden zone'} ${e.zoneEntries}× (dwell ${Math.round(e.dwellSeconds)} s)`);
  if (r.teleport) out.push(`teleported ${e.teleports}× (longest step ${round(e.longestStep, 1)})`);
  if (r.speed) out.push(`speed > ${+s.maxSpeed.toPrecision(4)}/move for ${e.fastRun} steps in a row (fastest ${round(e.fastestSpeed, 1)})`);
  if (flaggedByProfile && e.player)
    out.push(
      `${e.player.top ? profileReason(e.player.top) : 'profile unlike the population'}; player score ${round(e.player.score, 2)} ≥ ${round(e.player.cutoff, 2)}`,
    );
  if (forestFlagged && e.forest && cutoff !== null) out.push(`row forest: ${e.forest.anomalousRows} rows ≥ ${round(cutoff)} (max ${round(e.forest.maxScore)})`);
  return out;
}

/** Ranks players (flagged ones and those with a verdict) most suspicious first. */
export function rankPlayers(players: readonly PlayerEvidence[], s: RuleSettings, cutoff: number | null): FlaggedPlayer[] {
  const rowEvidence = (e: PlayerEvidence) => !!e.forest && e.forest.anomalousRows >= s.minAnomalousRows;
  const profileFlagged = (e: PlayerEvidence) => !!e.player && e.player.score >= e.player.cutoff;
  const maxScore = players.reduce((m, e) => (profileFlagged(e) ? Math.max(m, e.player!.score) : m), 0);
  const rows = players.map((e) => {
    const r = rulesFired(e, s);
    const fired = Number(r.zone) + Number(r.teleport) + Number(r.speed);
    const forest = profileFlagged(e);
    const strength = forest ? (maxScore > 0 ? e.player!.score / maxScore : 1) : 0;
    const reasons = reasonsOf(e, s, cutoff, rowEvidence(e));
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
      reasons,
      playerScore: e.player?.score ?? null,
      topReason: reasons[0] ?? '',
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
      (b.player.playerScore ?? -Infinity) - (a.player.playerScore ?? -Infinity) ||
      (b.player.maxScore ?? -Infinity) - (a.player.maxScore ?? -Infinity) ||
      a.player.pidx - b.player.pidx,
  );
  return rows.map(({ player }, i) => ({ ...player, rank: i + 1 }));
}

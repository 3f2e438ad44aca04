import type { FlaggedPlayer, FlaggedQuery, FlaggedSummary, RuleSettings } from '../../shared/api/investigate.ts';
import type { ScoringRun } from '../../shared/api/scoring.ts';
import { parseCutoff } from '../../shared/cutoff.ts';
import { cutoffValue, resolveRun } from '../scoring/runs.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { ensureEvidence, ruleSettings } from './evidence.ts';
import { PROFILE_FEATURES } from './playerForest.ts';
import { rankPlayers, type PlayerEvidence } from './ranking.ts';
import { isoTime } from './sqlUtil.ts';
import { listZones } from './zones.ts';

export interface FlaggedList {
  summary: FlaggedSummary;
  players: FlaggedPlayer[];
  settings: RuleSettings;
}

/** The run and cut-off a view means: the named (or newest) run, at the given (or its stored) cut-off. */
export async function runAndCutoff(ws: Workspace, q: FlaggedQuery): Promise<{ run: ScoringRun | null; cutoff: number | null }> {
  const run = await resolveRun(ws, q.runId);
  if (!run) return { run: null, cutoff: null };
  return { run, cutoff: q.cutoff === undefined ? run.cutoffValue : await cutoffValue(ws, run, parseCutoff(q.cutoff)) };
}

/**
 * Every player the rules or the player forest flag, plus every player with a verdict, ranked most
 * suspicious first (ranking.ts). Reads only small per-player tables: the evidence and profiles
 * (playerTable.ts) and the run's per-player aggregates (playerForest.ts), so the list costs
 * milliseconds at 20,000 players whatever the row count. A re-cut at another row cut-off than the
 * run's regroups the run's row scores once per call.
 */
export async function flaggedPlayers(ws: Workspace, q: FlaggedQuery = {}, only?: { pidx: number }): Promise<FlaggedList> {
  await ensureEvidence(ws);
  const settings = await ruleSettings(ws);
  const zones = new Map((await listZones(ws)).map((z) => [String(z.id), z.name]));
  const { run, cutoff } = await runAndCutoff(ws, q);
  const meta = run
    ? (
        await ws.db.runAndReadAll('SELECT row_cut, player_cut, features, medians, spreads FROM rz_player_run_meta WHERE run_id = $1', [run.id])
      ).getRowObjectsJS()[0]
    : undefined;
  const playerCut = meta && meta.player_cut !== null ? Number(meta.player_cut) : null;
  const stored = !!meta && run!.keyedByPlaylog && meta.row_cut !== null && Number(meta.row_cut) === cutoff;
  const pidxFilter = only ? 'AND pidx = $pidx' : '';
  const forest = !run
    ? `(SELECT NULL::INTEGER AS pidx, NULL::BIGINT AS anomalous_rows, NULL::DOUBLE AS max_score, NULL::DOUBLE AS mean_score, NULL::DOUBLE AS excess, NULL::DOUBLE AS player_score, NULL::DOUBLE[] AS shares WHERE false)`
    : stored || !run.keyedByPlaylog
      ? `(SELECT pidx, anomalous_rows, max_score, mean_score, excess, score AS player_score, shares FROM rz_player_run WHERE run_id = $run ${pidxFilter})`
      : `(SELECT g.pidx, g.anomalous_rows, g.max_score, g.mean_score, g.excess, r.score AS player_score, r.shares FROM
           (SELECT pidx, count(*) FILTER (score >= $cut) AS anomalous_rows, max(score) AS max_score, avg(score) AS mean_score,
              coalesce(sum(score - $cut) FILTER (score >= $cut), 0) AS excess
            FROM rz_score WHERE run_id = $run AND pidx IS NOT NULL ${pidxFilter} GROUP BY pidx) g
           LEFT JOIN rz_player_run r ON r.run_id = $run AND r.pidx = g.pidx)`;
  const flagged = `e.zone_entries > 0 OR e.teleports > 0 OR e.fast_run >= $steps ${playerCut === null ? '' : 'OR f.player_score >= $pcut'} OR v.verdict IS NOT NULL`;
  const features = PROFILE_FEATURES.map((c) => c.name).filter((c) => c !== 'row_mass');
  const sql = `
    SELECT pidx, u.uclass, u.ulevel, coalesce(e.rows, 0) AS rows, coalesce(e.zone_entries, 0) AS zone_entries, coalesce(e.dwell_seconds, 0) AS dwell_seconds,
      coalesce(e.zones, []) AS zones, coalesce(e.longest_step, 0) AS longest_step, coalesce(e.fastest_speed, 0) AS fastest_speed,
      coalesce(e.teleports, 0) AS teleports, coalesce(e.fast_run, 0) AS fast_run, e.first_seen, e.last_seen,
      f.anomalous_rows, f.max_score, f.mean_score, f.excess, f.player_score, f.shares, v.verdict, v.note,
      ${features.map((c) => `pp.${c} AS pf_${c}`).join(', ')}
    FROM rz_player_evidence e
    FULL JOIN rz_verdict v USING (pidx)
    LEFT JOIN ${forest} f USING (pidx)
    LEFT JOIN userprofile u USING (pidx)
    LEFT JOIN rz_player_profile pp USING (pidx)
    WHERE ${only ? 'pidx = $pidx' : flagged}`;
  const params: Record<string, number> = only ? { pidx: only.pidx } : { steps: settings.speedSteps, ...(playerCut === null ? {} : { pcut: playerCut }) };
  if (run) params.run = run.id;
  if (run?.keyedByPlaylog && !stored) params.cut = cutoff!;
  const rows = (await ws.db.runAndReadAll(sql, params)).getRowObjectsJS();
  const names = meta ? (meta.features as string[]).map(String) : [];
  const medians = meta ? (meta.medians as number[]).map(Number) : [];
  const topFeature = (r: Record<string, unknown>) => {
    const shares = (r.shares as number[] | null)?.map(Number);
    if (!shares?.length) return null;
    const j = shares.indexOf(Math.max(...shares));
    const c = PROFILE_FEATURES.find((f) => f.name === names[j]);
    if (!c) return null;
    const value = c.name === 'row_mass' ? Number(r.excess ?? 0) / Math.max(1, Number(r.rows)) : Number(r[`pf_${c.name}`] ?? NaN);
    return { label: c.label, value: Number.isFinite(value) ? value : 0, median: c.log ? Math.expm1(medians[j]) : medians[j], digits: c.digits };
  };
  const evidence: PlayerEvidence[] = rows.map((r) => ({
    pidx: Number(r.pidx),
    uclass: r.uclass === null ? null : String(r.uclass),
    ulevel: r.ulevel === null ? null : Number(r.ulevel),
    rows: Number(r.rows),
    zoneEntries: Number(r.zone_entries),
    dwellSeconds: Number(r.dwell_seconds),
    zoneNames: (r.zones as string[]).map((id) => zones.get(id) ?? `zone ${id}`),
    longestStep: Number(r.longest_step),
    fastestSpeed: Number(r.fastest_speed),
    teleports: Number(r.teleports),
    fastRun: Number(r.fast_run),
    firstSeen: r.first_seen === null ? '' : isoTime(r.first_seen),
    lastSeen: r.last_seen === null ? '' : isoTime(r.last_seen),
    forest:
      r.anomalous_rows === null || r.anomalous_rows === undefined
        ? null
        : { anomalousRows: Number(r.anomalous_rows), maxScore: Number(r.max_score), meanScore: Number(r.mean_score), excess: Number(r.excess) },
    player: r.player_score === null || playerCut === null ? null : { score: Number(r.player_score), cutoff: playerCut, top: topFeature(r) },
    verdict: r.verdict === null ? null : (String(r.verdict) as PlayerEvidence['verdict']),
    note: r.note === null ? null : String(r.note),
  }));
  const players = rankPlayers(evidence, settings, cutoff);
  const count = (by: string) => players.filter((p) => p.flaggedBy === by).length;
  return {
    summary: {
      run,
      cutoffValue: cutoff,
      playerCutoff: playerCut,
      total: players.length,
      byRules: count('rules'),
      byForest: count('forest'),
      byBoth: count('both'),
      verdicts: players.filter((p) => p.verdict).length,
    },
    players,
    settings,
  };
}

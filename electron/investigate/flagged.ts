import type { FlaggedPlayer, FlaggedQuery, FlaggedSummary, RuleSettings } from '../../shared/api/investigate.ts';
import type { ScoringRun } from '../../shared/api/scoring.ts';
import { cutoffValue, parseCutoffOrFail, resolveRun } from '../scoring/runs.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { ensureEvidence, ruleSettings } from './evidence.ts';
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
  return { run, cutoff: q.cutoff === undefined ? run.cutoffValue : await cutoffValue(ws, run, parseCutoffOrFail(q.cutoff)) };
}

/**
 * Every player the rules or the forest flag, plus every player with a verdict, ranked most suspicious
 * first (ranking.ts). Only the current, pre-aggregated evidence and one GROUP BY over the run's scores
 * are read, so the list costs milliseconds per million scored rows.
 */
export async function flaggedPlayers(ws: Workspace, q: FlaggedQuery = {}, only?: { pidx: number }): Promise<FlaggedList> {
  await ensureEvidence(ws);
  const settings = await ruleSettings(ws);
  const zones = new Map((await listZones(ws)).map((z) => [String(z.id), z.name]));
  const { run, cutoff } = await runAndCutoff(ws, q);
  const forest = run?.keyedByPlaylog
    ? `(SELECT pidx, count(*) FILTER (score >= $cut) AS anomalous_rows, max(score) AS max_score, avg(score) AS mean_score,
         coalesce(sum(score - $cut) FILTER (score >= $cut), 0) AS excess
        FROM rz_score WHERE run_id = $run AND pidx IS NOT NULL ${only ? 'AND pidx = $pidx' : ''} GROUP BY pidx)`
    : `(SELECT NULL::INTEGER AS pidx, NULL::BIGINT AS anomalous_rows, NULL::DOUBLE AS max_score, NULL::DOUBLE AS mean_score, NULL::DOUBLE AS excess WHERE false)`;
  const flagged = `e.zone_entries > 0 OR e.teleports > 0 OR e.fast_run >= $steps OR f.anomalous_rows >= $minRows OR v.verdict IS NOT NULL`;
  const sql = `
    SELECT pidx, u.uclass, u.ulevel, coalesce(e.rows, 0) AS rows, coalesce(e.zone_entries, 0) AS zone_entries, coalesce(e.dwell_seconds, 0) AS dwell_seconds,
      coalesce(e.zones, []) AS zones, coalesce(e.longest_step, 0) AS longest_step, coalesce(e.fastest_speed, 0) AS fastest_speed,
      coalesce(e.teleports, 0) AS teleports, coalesce(e.fast_run, 0) AS fast_run, e.first_seen, e.last_seen,
      f.anomalous_rows, f.max_score, f.mean_score, f.excess, v.verdict, v.note
    FROM rz_player_evidence e
    FULL JOIN rz_verdict v USING (pidx)
    LEFT JOIN ${forest} f USING (pidx)
    LEFT JOIN userprofile u USING (pidx)
    WHERE ${only ? 'pidx = $pidx' : flagged}`;
  const params: Record<string, number> = only ? { pidx: only.pidx } : { steps: settings.speedSteps, minRows: settings.minAnomalousRows };
  if (run?.keyedByPlaylog) Object.assign(params, { run: run.id, cut: cutoff! });
  const rows = (await ws.db.runAndReadAll(sql, params)).getRowObjectsJS();
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
    forest: r.anomalous_rows === null ? null : { anomalousRows: Number(r.anomalous_rows), maxScore: Number(r.max_score), meanScore: Number(r.mean_score), excess: Number(r.excess) },
    verdict: r.verdict === null ? null : (String(r.verdict) as PlayerEvidence['verdict']),
    note: r.note === null ? null : String(r.note),
  }));
  const players = rankPlayers(evidence, settings, cutoff);
  const count = (by: string) => players.filter((p) => p.flaggedBy === by).length;
  return {
    summary: { run, cutoffValue: cutoff, total: players.length, byRules: count('rules'), byForest: count('forest'), byBoth: count('both'), verdicts: players.filter((p) => p.verdict).length },
    players,
    settings,
  };
}

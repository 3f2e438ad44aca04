import type { ProfileFeature } from '../../shared/api/investigate.ts';
import type { ScoringRun } from '../../shared/api/scoring.ts';
import type { ForestParams } from '../rcf/index.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Workspace } from '../workspace/workspace.ts';
import { ensureEvidence } from './evidence.ts';
import { blobBytes, blobParam, inTransaction } from '../workspace/db.ts';

/**
 * The player-level forest (issue #18.3–4): the same RCF, in the worker pool, on one point per player —
 * the player's profile (playerTable.ts), robustly scaled — with attribution per profile feature.
 *
 * Scaling: each feature (count-like ones as log1p first) becomes (v − median) / spread, spread =
 * 1.4826·MAD over players (falling back to 1.2533 × the mean absolute deviation, then 1, when most
 * players share one value), clipped to ±CLIP so one absurd value cannot stretch a dimension the trees
 * cut across. Missing values (a player with one event has no timing) sit at the median: no evidence
 * either way.
 *
 * Flagging cut-off: median + K·1.4826·MAD of the players' scores — robust (the flagged players do not
 * move it) and relative to this population's own spread of scores, so it carries across data sets and
 * forest sizes; when MAD is 0 (nearly identical players) the cut-off is the median plus K × the mean
 * absolute deviation, and a player must also score above the population's maximum "typical" score.
 */

export interface ProfileColumn {
  name: string;
  label: string;
  log: boolean;
  /** Shown in the profile but not a forest dimension (see FOREST_FEATURES). */
  shownOnly?: boolean;
  /** How the value is printed in a reason ("timing regularity 0.003"). */
  digits: number;
}

export const PROFILE_FEATURES: readonly ProfileColumn[] = [
  { name: 'rare_share', label: 'share of positions in rare places', log: false, digits: 3 },
  { name: 'zone_share', label: 'share of events in forbidden zones', log: false, digits: 3 },
  { name: 'step_p50', label: 'median step', log: true, digits: 3 },
  { name: 'step_p95', label: '95th-percentile step', log: true, digits: 3 },
  { name: 'step_max', label: 'longest step', log: true, digits: 4, shownOnly: true },
  { name: 'speed_p95', label: '95th-percentile speed (per s)', log: true, digits: 3 },
  { name: 'teleports', label: 'teleports', log: true, digits: 0 },
  { name: 'fast_run', label: 'longest fast run (steps)', log: true, digits: 0 },
  { name: 'timing_cv', label: 'timing regularity (CV of gaps)', log: false, digits: 3 },
  { name: 'events_per_hour', label: 'events per active hour', log: true, digits: 3 },
  { name: 'sessions', label: 'sessions', log: true, digits: 0 },
  { name: 'session_hours', label: 'hours per session', log: true, digits: 3 },
  { name: 'area_cells', label: 'area covered (cells)', log: true, digits: 0 },
  { name: 'loop_share', label: 'moves per distinct position (loops)', log: true, digits: 3 },
  { name: 'straight_share', label: 'share of dead-straight stretches', log: false, digits: 3 },
  { name: 'straight_run', label: 'longest dead-straight run (events)', log: true, digits: 0 },
  { name: 'level_share', label: 'share of moves with no change in height', log: false, digits: 3 },
  { name: 'row_mass', label: 'row-forest score mass above the cut-off, per row', log: true, digits: 3, shownOnly: true },
];

/**
 * The forest's dimensions. Two profile columns are shown but not scored: the longest step (the
 * teleport rule's business; on a whole-number map its few possible values make honest players look
 * odd) and the row forest's mass (on positions it restates "rare places", with more noise).
 */
export const FOREST_FEATURES: readonly ProfileColumn[] = PROFILE_FEATURES.filter((c) => !c.shownOnly);

const CLIP = 25;
export const PLAYER_CUTOFF_K = 10;
const MAD_SCALE = 1.4826;

/** The part of the worker pool the player forest needs: a batch trained and scored with attribution. */
export interface PlayerScorer {
  scoreBatch(
    points: Float64Array,
    dims: number,
    params: ForestParams,
    opts: { signal?: AbortSignal; attribution?: boolean; columns?: readonly string[]; model?: Uint8Array },
  ): Promise<{ scores: Float64Array; attribution?: Float64Array; model: Uint8Array }>;
}

export function median(values: ArrayLike<number>): number {
  const v = Float64Array.from(values).sort();
  if (v.length === 0) return 0;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Median and robust spread of one feature, NaNs ignored. */
export function robustScale(values: ArrayLike<number>): { median: number; spread: number } {
  const finite = Array.from(values).filter(Number.isFinite);
  if (finite.length === 0) return { median: 0, spread: 1 };
  const sorted = Float64Array.from(finite).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
  const med = median(sorted);
  const dev = finite.map((v) => Math.abs(v - med));
  // The first of these that is not 0, each the standard deviation if the bulk were normal: a feature
  // most players share one value of (no loops, no zone time) still gets the spread of its tail, so
  // an honest player slightly off the common value is not an outlier.
  // And never under a tenth of the typical value: a player 10% off the common value is not odd.
  const floor = 0.1 * Math.abs(med);
  for (const spread of [MAD_SCALE * median(dev), (q(0.9) - q(0.1)) / 2.563, (q(0.99) - q(0.01)) / 4.653])
    if (spread > 0) return { median: med, spread: Math.max(spread, floor) };
  if (floor > 0) return { median: med, spread: floor };
  const meanDev = (1.2533 * dev.reduce((a, b) => a + b, 0)) / dev.length;
  return { median: med, spread: meanDev > 0 ? meanDev : 1 };
}

/** The robust flagging cut-off over player scores (see the module comment). */
export function playerCutoff(scores: ArrayLike<number>): number {
  const { median: med, spread } = robustScale(scores);
  return med + PLAYER_CUTOFF_K * spread;
}

/** A profile value on its feature's scale; a missing (non-finite) value stays NaN and is scaled to the median. */
const transform = (c: ProfileColumn, v: number) => (!Number.isFinite(v) ? NaN : c.log ? Math.log1p(Math.max(0, v)) : v);

/** Scaled, clipped points (row-major) and each feature's median/spread on the transformed scale. */
export function scaleProfiles(raw: Float64Array[], columns: readonly ProfileColumn[]): { points: Float64Array; medians: number[]; spreads: number[] } {
  const medians: number[] = [];
  const spreads: number[] = [];
  columns.forEach((c, j) => {
    const { median: med, spread } = robustScale(Float64Array.from(raw[j], (v) => transform(c, v)));
    medians.push(med);
    spreads.push(spread);
  });
  return { points: scaleWith(raw, columns, medians, spreads), medians, spreads };
}

/** Profiles on a given scale (scaleProfiles' own, or an earlier run's: follow mode scores on the run's scale). */
export function scaleWith(raw: Float64Array[], columns: readonly ProfileColumn[], medians: readonly number[], spreads: readonly number[]): Float64Array {
  const n = raw[0]?.length ?? 0;
  const dims = columns.length;
  const points = new Float64Array(n * dims);
  columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      const t = transform(c, raw[j][i]);
      points[i * dims + j] = Number.isFinite(t) ? Math.max(-CLIP, Math.min(CLIP, (t - medians[j]) / spreads[j])) : 0;
    }
  });
  return points;
}

const PLAYER_FOREST = { numTrees: 100, samplesPerTree: 256 } as const;

/**
 * rz_pf_in: the profiles of the run's players (or of `scope`, a SELECT of pidx) with their row-score
 * aggregates at the run's cut-off; returns its pidx and forest columns, read in pidx order.
 */
async function playerInputs(conn: DuckDBConnection, run: ScoringRun, scope: string | null): Promise<{ pidx: number[]; raw: Float64Array[] }> {
  const only = scope ? ` AND pidx IN (${scope})` : '';
  const rowAgg = run.keyedByPlaylog
    ? `(SELECT pidx, count(*) FILTER (score >= ${run.cutoffValue}) AS anomalous_rows, max(score) AS max_score, avg(score) AS mean_score,
         coalesce(sum(score - ${run.cutoffValue}) FILTER (score >= ${run.cutoffValue}), 0) AS excess
        FROM rz_score WHERE run_id = ${run.id} AND pidx IS NOT NULL${only} GROUP BY pidx)`
    : '(SELECT NULL::INTEGER AS pidx, NULL::BIGINT AS anomalous_rows, NULL::DOUBLE AS max_score, NULL::DOUBLE AS mean_score, NULL::DOUBLE AS excess WHERE false)';
  await conn.run(`CREATE OR REPLACE TEMP TABLE rz_pf_in AS
    SELECT p.*, f.anomalous_rows, f.max_score, f.mean_score, f.excess, coalesce(f.excess, 0) / greatest(p.rows, 1) AS row_mass
    FROM rz_player_profile p LEFT JOIN ${rowAgg} f USING (pidx) ${scope ? `WHERE p.pidx IN (${scope})` : ''} ORDER BY p.pidx`);
  const cols = FOREST_FEATURES.map((c) => c.name);
  const read = (await conn.runAndReadAll(`SELECT pidx, ${cols.join(', ')} FROM rz_pf_in ORDER BY pidx`)).getColumnsJS();
  return {
    pidx: (read[0] as unknown[]).map(Number),
    raw: cols.map((_, j) => Float64Array.from(read[j + 1] as unknown[], (v) => (v === null ? NaN : Number(v)))),
  };
}

/** Each player's share of their score per dimension (high and low parts together). */
function attributionShares(attribution: Float64Array, n: number, dims: number): Float64Array {
  const shares = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += attribution[i * 2 * dims + 2 * j] + attribution[i * 2 * dims + 2 * j + 1];
    for (let j = 0; j < dims; j++) shares[i * dims + j] = sum > 0 ? (attribution[i * 2 * dims + 2 * j] + attribution[i * 2 * dims + 2 * j + 1]) / sum : 0;
  }
  return shares;
}

/** rz_player_run rows of rz_pf_in's players, replacing theirs (the caller holds the transaction). */
async function writePlayerRows(conn: DuckDBConnection, runId: number, pidx: number[], scores: Float64Array | null, shares: Float64Array | null, dims: number) {
  const rows = pidx.map((p, i) => ({
    pidx: p,
    score: scores && Number.isFinite(scores[i]) ? scores[i] : null,
    shares: shares ? Array.from(shares.subarray(i * dims, (i + 1) * dims), (v) => (Number.isFinite(v) ? +v.toFixed(4) : 0)) : null,
  }));
  await conn.run('DELETE FROM rz_player_run WHERE run_id = $1 AND pidx IN (SELECT pidx FROM rz_pf_in)', [runId]);
  await conn.run(
    `INSERT INTO rz_player_run
     SELECT ${runId}, i.pidx, i.anomalous_rows, i.max_score, i.mean_score, i.excess, s.score, s.shares
     FROM rz_pf_in i LEFT JOIN (SELECT unnest(from_json($1::JSON, '[{"pidx":"INTEGER","score":"DOUBLE","shares":["DOUBLE"]}]'), recursive := true)) s USING (pidx)`,
    [JSON.stringify(rows)],
  );
}

/**
 * Scores every player of the run's workspace: profile current first, row-score aggregates of the run
 * at its cut-off, then the player forest, whose model is kept with the run (scorePlayersLive uses it);
 * everything lands in rz_player_run(_meta) in one transaction.
 */
export async function scorePlayers(ws: Workspace, scorer: PlayerScorer, run: ScoringRun, signal: AbortSignal): Promise<void> {
  const started = Date.now();
  await ensureEvidence(ws);
  const conn = await ws.connect();
  try {
    const { pidx, raw } = await playerInputs(conn, run, null);
    const n = pidx.length;
    const cols = FOREST_FEATURES.map((c) => c.name);
    const { points, medians, spreads } = scaleProfiles(raw, FOREST_FEATURES);
    const dims = cols.length;
    const out =
      n >= 3
        ? await scorer.scoreBatch(
            points,
            dims,
            { ...PLAYER_FOREST, samplesPerTree: Math.min(PLAYER_FOREST.samplesPerTree, n), seed: run.seed },
            {
              signal,
              attribution: true,
              columns: cols,
            },
          )
        : null;
    const shares = out?.attribution ? attributionShares(out.attribution, n, dims) : null;
    const cut = out ? playerCutoff(out.scores) : null;
    await inTransaction(conn, async () => {
      await conn.run('DELETE FROM rz_player_run WHERE run_id = $1', [run.id]);
      await conn.run('DELETE FROM rz_player_run_meta WHERE run_id = $1', [run.id]);
      await writePlayerRows(conn, run.id, pidx, out?.scores ?? null, shares, dims);
      await conn.run(
        `INSERT INTO rz_player_run_meta (run_id, row_cut, player_cut, features, medians, spreads, elapsed_ms, model)
         VALUES ($1, $2, $3, from_json($4, '["VARCHAR"]'), from_json($5, '["DOUBLE"]'), from_json($6, '["DOUBLE"]'), $7, from_base64($8))`,
        [
          run.id,
          run.keyedByPlaylog ? run.cutoffValue : null,
          cut,
          JSON.stringify(cols),
          JSON.stringify(medians),
          JSON.stringify(spreads),
          Date.now() - started,
          out?.model ? blobParam(out.model) : null,
        ],
      );
    });
    await conn.run('DROP TABLE rz_pf_in');
  } finally {
    conn.closeSync();
  }
}

/**
 * Follow mode's player stage: the given players (those with new rows) get their profile brought up to
 * date and are scored with the run's saved player forest on the run's scale, as new rows are with its
 * row forest; everyone else keeps their score and the cut-off stands until the analyst retrains. A run
 * without a saved player forest (or with a different feature list) is scored whole instead.
 */
export async function scorePlayersLive(ws: Workspace, scorer: PlayerScorer, run: ScoringRun, players: readonly number[], signal: AbortSignal): Promise<void> {
  const [features, medians, spreads, saved] =
    (await ws.db.runAndReadAll('SELECT features, medians, spreads, model FROM rz_player_run_meta WHERE run_id = $1', [run.id])).getRowsJS()[0] ?? [];
  const cols = FOREST_FEATURES.map((c) => c.name);
  if (saved == null || (features as string[]).map(String).join() !== cols.join()) return scorePlayers(ws, scorer, run, signal);
  if (players.length === 0) return;
  await ensureEvidence(ws);
  const conn = await ws.connect();
  try {
    await conn.run('CREATE OR REPLACE TEMP TABLE rz_pf_scope AS SELECT unnest(from_json($1::JSON, \'["INTEGER"]\')) AS pidx', [JSON.stringify(players)]);
    const { pidx, raw } = await playerInputs(conn, run, 'SELECT pidx FROM rz_pf_scope');
    const dims = cols.length;
    const points = scaleWith(raw, FOREST_FEATURES, (medians as number[]).map(Number), (spreads as number[]).map(Number));
    const model = blobBytes(saved);
    const out = pidx.length
      ? await scorer.scoreBatch(points, dims, { ...PLAYER_FOREST, seed: run.seed }, { signal, attribution: true, columns: cols, model })
      : null;
    await inTransaction(conn, () =>
      writePlayerRows(conn, run.id, pidx, out?.scores ?? null, out?.attribution ? attributionShares(out.attribution, pidx.length, dims) : null, dims),
    );
    await conn.run('DROP TABLE rz_pf_in');
    await conn.run('DROP TABLE rz_pf_scope');
  } finally {
    conn.closeSync();
  }
}

/** The drill-down's profile section: the player's features against the population, with their shares of the score. */
export async function playerProfileInfo(
  ws: Workspace,
  runId: number,
  pidx: number,
): Promise<{ score: number; cutoff: number; features: ProfileFeature[] } | null> {
  const meta = (
    await ws.db.runAndReadAll('SELECT player_cut, features, medians, spreads FROM rz_player_run_meta WHERE run_id = $1', [runId])
  ).getRowObjectsJS()[0];
  if (!meta || meta.player_cut === null) return null;
  const r = (
    await ws.db.runAndReadAll(
      'SELECT r.score, r.shares, p.*, r.excess FROM rz_player_run r JOIN rz_player_profile p USING (pidx) WHERE r.run_id = $1 AND r.pidx = $2',
      [runId, pidx],
    )
  ).getRowObjectsJS()[0];
  if (!r || r.score === null) return null;
  const rows = Number(r.rows);
  const names = (meta.features as string[]).map(String);
  const shares = ((r.shares as number[] | null) ?? []).map(Number);
  const features = names.map((name, j) => {
    const c = PROFILE_FEATURES.find((f) => f.name === name);
    const v = name === 'row_mass' ? Number(r.excess ?? 0) / Math.max(1, rows) : r[name] === null ? NaN : Number(r[name]);
    const med = Number((meta.medians as number[])[j]);
    const spread = Number((meta.spreads as number[])[j]);
    // Medians live on the transformed (log1p) scale; shown on the feature's own scale.
    const back = (t: number) => (c?.log ? Math.expm1(t) : t);
    return {
      name,
      label: c?.label ?? name,
      value: Number.isFinite(v) ? v : 0,
      median: back(med),
      spread: c?.log ? back(med + spread) - back(med) : spread,
      share: shares[j] ?? null,
    };
  });
  features.sort((a, b) => (b.share ?? 0) - (a.share ?? 0));
  return { score: Number(r.score), cutoff: Number(meta.player_cut), features };
}

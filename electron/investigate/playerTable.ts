import type { LearnedRules, RuleSettings, Zone } from '../../shared/api/investigate.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { effectiveRules, learnRules, sessionGapOf } from './calibrate.ts';
import { zoneIdSql } from './zones.ts';
import { inTransaction } from '../workspace/db.ts';

/**
 * The per-player table (issues #17.3, #18.2): the play log windowed per player in time order, then
 * GROUP BYs over the result, in passes over hash-split players (PassLayout). It learns the rules (calibrate.ts), lays the rare-places grid
 * and writes, per player, the profile (`rz_player_profile`, the `player_profile` view) and the rule
 * evidence (`rz_player_evidence`) that the flagged list reads. Rebuilt when the lake's ledger, the zones
 * or the analyst's rule overrides change; the flagged list then answers from these small tables alone.
 *
 * Bad positions (NaN, ±Inf, |v| ≥ 1e12) are not movement: their steps are NULL and they sit on no cell.
 */

/**
 * How the play log is cut for the pass. The window over every row at once held 40M rows and their
 * quantile states at lab scale (7.6 GB); players are instead split by a hash of pidx into passes of
 * about `passRows` rows, each windowed, aggregated and dropped before the next. The rules and the
 * rare-places grid's extent are learned from a hash sample of players with about `sampleRows` rows (all
 * players below that; rz_rule_learned.players says how many): the rules are medians over players and
 * the extent is percentiles of positions, which a sample of thousands pins down, and when both sizes
 * match the sample is the first pass itself, so learning costs no extra read.
 */
export interface PassLayout {
  passRows: number;
  sampleRows: number;
}

export const DEFAULT_LAYOUT: PassLayout = { passRows: 2_000_000, sampleRows: 2_000_000 };

/** `hash(pidx) % n = k`, or nothing when there is one part. */
const hashPart = (k: number, n: number): string | null => (n > 1 ? `hash(pidx) % ${n} = ${k}` : null);

/** Rows per player, windowed: step, dt since the previous event, zone and its predecessor, 10-event straightness. */
function rowsSql(zones: readonly Zone[], where: readonly (string | null)[]): string {
  const ok = ['posnewx', 'posnewy', 'posoldx', 'posoldy'].map((c) => `(isfinite(${c}) AND abs(${c}) < 1e12)`).join(' AND ');
  const okxy = ['posnewx', 'posnewy'].map((c) => `(isfinite(${c}) AND abs(${c}) < 1e12)`).join(' AND ');
  const cond = where.filter((w) => w !== null);
  // The data table, not the playlog view: the same rows (a file's rows and its ledger row commit and
  // go together), file_id kept for the incremental pass, and no join for the object key nobody here needs.
  // Everything per row is computed before the window, so the window sorts only the columns kept.
  const rows = `SELECT pidx, file_id, createdate, idx, CASE WHEN ${okxy} THEN posnewx END AS x, CASE WHEN ${okxy} THEN posnewy END AS y,
      CASE WHEN ${ok} THEN sqrt((posnewx - posoldx) ^ 2 + (posnewy - posoldy) ^ 2) END AS step, posnewz = posoldz AS level_step,
      ${zoneIdSql(zones, 'posnewx', 'posnewy')} AS zone
    FROM lake_playlog_data${cond.length ? ` WHERE ${cond.join(' AND ')}` : ''}`;
  // rn numbers each player's events in time order: consecutive straight events are the ones whose rn
  // differ by one, so the longest dead-straight run needs no second window over every row. An event
  // with no position 10 back has no straightness: least() skips NULL, so without the guard a
  // player's first 10 events counted as dead straight.
  return `CREATE OR REPLACE TEMP TABLE rz_pp_row AS
    SELECT pidx, file_id, createdate, rn, x, y, step, dt, zone, prev_zone, level_step,
      CASE WHEN path10 > 0 AND net10 IS NOT NULL THEN least(1.0, net10 / path10) END AS straight
    FROM (
      SELECT *, row_number() OVER w AS rn,
        epoch(createdate - lag(createdate) OVER w) AS dt,
        lag(zone) OVER w AS prev_zone,
        sqrt((x - lag(x, 10) OVER w) ^ 2 + (y - lag(y, 10) OVER w) ^ 2) AS net10,
        sum(step) OVER (w ROWS 9 PRECEDING) AS path10
      FROM (${rows})
      WINDOW w AS (PARTITION BY pidx ORDER BY createdate, idx))`;
}

/** Net distance over path length across 10 events above which a stretch is dead straight. */
const STRAIGHT = 0.99;

const num = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

async function one(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS()[0] ?? {};
}

/** How many parts of about `size` rows the given rows make (at least one). */
async function partsOf(conn: DuckDBConnection, size: number, where: string): Promise<number> {
  const n = Number((await one(conn, `SELECT count(*) AS n FROM lake_playlog_data WHERE ${where}`)).n);
  return Math.max(1, Math.ceil(n / size));
}

/** What a full pass learned that an incremental one reuses. */
export interface PlayerTableBasis {
  rules: RuleSettings;
  /** The median over players of each one's median gap between events (s): the events-per-hour scale. */
  medianGap: number | null;
}

/** The rules learned from rz_pp_row's players (stored in rz_rule_learned); leaves their rz_pp_fast behind. */
async function learnFromRows(
  conn: DuckDBConnection,
  manual: RuleSettings,
  overrides: RuleSettings['overrides'],
): Promise<PlayerTableBasis & { learned: LearnedRules | null }> {
  // Session gap: from each player's typical pause between events.
  const g = await one(conn, 'SELECT median(md) AS m FROM (SELECT median(dt) AS md FROM rz_pp_row WHERE dt > 0 GROUP BY pidx)');
  const medianGap = num(g.m);
  const gap = sessionGapOf(medianGap);
  const moving = `step > 0 AND dt <= ${gap}`;
  const pop = await one(
    conn,
    `WITH per AS (SELECT pidx, max(step) AS mx, quantile_cont(step, 0.999) AS q FROM rz_pp_row WHERE ${moving} GROUP BY pidx),
          m AS (SELECT median(mx) AS med, median(q) AS q999, count(*) AS n FROM per)
     SELECT m.med, m.q999, m.n, (SELECT median(abs(mx - m.med)) FROM per) AS mad FROM m`,
  );
  const stats = { players: Number(pop.n ?? 0), medianGap, maxStepMedian: num(pop.med), maxStepMad: num(pop.mad), p999Median: num(pop.q999) };
  // The speed threshold first (runs are counted against it), then the sustained-speed length from those runs.
  const provisional = effectiveRules(manual, overrides ?? [], learnRules(stats, gap, null));
  await fastRuns(conn, provisional.maxSpeed, moving);
  const runs = (await conn.runAndReadAll('SELECT fast_run FROM rz_pp_fast')).getRows().map((r) => Number(r[0]));
  const all = [...runs, ...new Array(Math.max(0, stats.players - runs.length)).fill(0)];
  const med = median(all);
  const learned = learnRules(stats, gap, { median: med, mad: median(all.map((v) => Math.abs(v - med))) });
  return { rules: effectiveRules(manual, overrides ?? [], learned), medianGap, learned };
}

async function storeLearned(conn: DuckDBConnection, learned: LearnedRules | null) {
  await conn.run('DELETE FROM rz_rule_learned');
  if (learned)
    await conn.run('INSERT INTO rz_rule_learned VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8::TIMESTAMP)', [
      learned.teleportStep,
      learned.maxSpeed,
      learned.speedSteps,
      learned.sessionGap,
      learned.honestStepP999,
      learned.honestMaxStep,
      learned.players,
      learned.computedAt.replace('T', ' ').replace('Z', ''),
    ]);
}

/**
 * The files a pass reads (those up to `upTo`, the newest when it started: each pass then sees the same
 * play log) and the work to commit with its results: the passes run outside any transaction, so each
 * pass's temporary rows are freed when dropped rather than held to the end, and the results replace
 * the old tables in one transaction, with `commit` run in it.
 */
export interface PassRun {
  upTo: number;
  /** Run in the results' transaction, with the basis the pass used (for a rebuild, the one it learned). */
  commit: (basis: PlayerTableBasis) => Promise<void>;
  layout?: PassLayout;
}

/**
 * Rebuilds everything per player: learns the rules (from a sample of players at scale, see PassLayout)
 * and the grid, then every profile, pass by pass; returns the settings in force (learned, with the
 * analyst's overrides).
 */
export async function rebuildPlayerTable(
  conn: DuckDBConnection,
  zones: readonly Zone[],
  manual: RuleSettings,
  overrides: RuleSettings['overrides'],
  run: PassRun,
): Promise<PlayerTableBasis> {
  const layout = run.layout ?? DEFAULT_LAYOUT;
  const files = `file_id <= ${run.upTo}`;
  const passes = await partsOf(conn, layout.passRows, files);
  const samples = await partsOf(conn, layout.sampleRows, files);
  let basis: (PlayerTableBasis & { learned: LearnedRules | null }) | null = null;
  let grid: GridCells | null = null;
  // The sample (rules and the grid's extent) is the first pass when the two cuts agree; else it is read on its own first.
  if (samples !== passes) {
    await conn.run(rowsSql(zones, [files, hashPart(0, samples)]));
    basis = await learnFromRows(conn, manual, overrides);
    grid = await gridExtent(conn);
    await conn.run('DROP TABLE rz_pp_row');
    await conn.run('DROP TABLE rz_pp_fast');
  }
  let cells = false;
  for (let k = 0; k < passes; k++) {
    await conn.run(rowsSql(zones, [files, hashPart(k, passes)]));
    // Learning leaves the first pass's fast runs behind, at the speed threshold in force.
    if (basis === null) basis = await learnFromRows(conn, manual, overrides);
    else await fastRuns(conn, basis.rules.maxSpeed, moving(basis));
    // A sample without a finite position leaves the grid to the first pass with one.
    grid ??= await gridExtent(conn);
    if (grid) await playerCells(conn, grid, 0, cells);
    cells ||= grid !== null;
    await aggregatePass(conn, basis.rules, gapOf(basis), k > 0);
  }
  const learned = basis!;
  await inTransaction(conn, async () => {
    await storeLearned(conn, learned.learned);
    await storeGrid(conn, grid);
    await writeProfiles(conn, learned.medianGap ?? gapOf(learned) / 20, false);
    await run.commit({ rules: learned.rules, medianGap: learned.medianGap });
  });
  return { rules: learned.rules, medianGap: learned.medianGap };
}

const gapOf = (b: PlayerTableBasis) => b.rules.sessionGap ?? sessionGapOf(b.medianGap);
const moving = (b: PlayerTableBasis) => `step > 0 AND dt <= ${gapOf(b)}`;

/**
 * Follow mode's pass: only the players with rows in files after `afterFileId` are recomputed (over
 * their whole history, so windows and runs stay exact), with the rules and grid the last full pass
 * learned. Cell visit counts take the new rows in exactly (a cell gains a player when their first row
 * in it is new); other players' rare-place shares catch up at the next full pass (evidence.ts decides
 * when). Returns how many players were recomputed.
 */
export async function updatePlayerTable(
  conn: DuckDBConnection,
  zones: readonly Zone[],
  basis: PlayerTableBasis,
  afterFileId: number,
  run: PassRun,
): Promise<number> {
  const files = `file_id <= ${run.upTo}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE rz_pp_scope AS SELECT DISTINCT pidx FROM lake_playlog_data WHERE file_id > ${afterFileId} AND ${files}`);
  const players = Number((await conn.runAndReadAll('SELECT count(*) FROM rz_pp_scope')).getRows()[0][0]);
  const grid = await storedGrid(conn);
  if (players > 0) {
    const scope = 'pidx IN (SELECT pidx FROM rz_pp_scope)';
    const passes = await partsOf(conn, (run.layout ?? DEFAULT_LAYOUT).passRows, `${scope} AND ${files}`);
    for (let k = 0; k < passes; k++) {
      await conn.run(rowsSql(zones, [files, scope, hashPart(k, passes)]));
      await fastRuns(conn, basis.rules.maxSpeed, moving(basis));
      if (grid) await playerCells(conn, grid, afterFileId, k > 0);
      await aggregatePass(conn, basis.rules, gapOf(basis), k > 0);
    }
  }
  await inTransaction(conn, async () => {
    if (players > 0) {
      if (grid) await addToGrid(conn, afterFileId);
      await writeProfiles(conn, basis.medianGap ?? gapOf(basis) / 20, true);
    }
    await run.commit(basis);
  });
  await conn.run('DROP TABLE rz_pp_scope');
  return players;
}

/** rz_pp_fast: each player's longest run of consecutive moving steps above maxSpeed (players with none left out). */
async function fastRuns(conn: DuckDBConnection, maxSpeed: number, moving: string) {
  await conn.run(`CREATE OR REPLACE TEMP TABLE rz_pp_fast AS
    SELECT pidx, max(n) AS fast_run FROM (
      SELECT pidx, grp, count(*) FILTER (fast) AS n FROM (
        SELECT pidx, step > ${maxSpeed} AS fast, count(*) FILTER (step <= ${maxSpeed}) OVER (PARTITION BY pidx ORDER BY rn ROWS UNBOUNDED PRECEDING) AS grp
        FROM rz_pp_row WHERE ${moving} AND pidx IN (SELECT DISTINCT pidx FROM rz_pp_row WHERE ${moving} AND step > ${maxSpeed}))
      GROUP BY ALL)
    GROUP BY pidx`);
}

/** A grid's origin and cell size: where positions fall (the rare threshold comes once every player is counted). */
type GridCells = Pick<PlaceGrid, 'x0' | 'y0' | 'cell'>;

/** Positions the grid's extent is measured on, at most (a 0.1% tail of 2M is 2,000 positions). */
const GRID_SAMPLE = 2_000_000;

/**
 * Rare places: a square grid over the bulk of rz_pp_row's positions (0.1–99.9th percentiles, so a few
 * wild coordinates cannot stretch it) of about 64 × 64 cells; null without a finite position.
 */
async function gridExtent(conn: DuckDBConnection): Promise<GridCells | null> {
  // Past GRID_SAMPLE positions the percentiles come from a sample picked by a hash of each event, so the
  // same data gives the same grid in any workspace (exact quantiles over 40M rows cost 10 s).
  const n = Number((await one(conn, 'SELECT count(x) AS n FROM rz_pp_row')).n);
  if (n === 0) return null;
  const every = Math.max(1, Math.ceil(n / GRID_SAMPLE));
  const e = await one(
    conn,
    `SELECT quantile_cont(x, 0.001) AS x0, quantile_cont(x, 0.999) AS x1, quantile_cont(y, 0.001) AS y0, quantile_cont(y, 0.999) AS y1
     FROM rz_pp_row WHERE x IS NOT NULL${every > 1 ? ` AND hash(pidx, rn) % ${every} = 0` : ''}`,
  );
  const [x0, x1, y0, y1] = [num(e.x0), num(e.x1), num(e.y0), num(e.y1)];
  if (x0 === null || x1 === null || y0 === null || y1 === null) return null;
  const w = Math.max(x1 - x0, 0);
  const h = Math.max(y1 - y0, 0);
  return { x0, y0, cell: Math.max(Math.sqrt((Math.max(w, 1e-9) * Math.max(h, 1e-9)) / 4096), Math.max(w, h) / 256, 1e-9) };
}

/** The grid and its cells from every pass: a cell is rare when at most 1% of players with a position (at least 2) were ever in it. */
async function storeGrid(conn: DuckDBConnection, grid: GridCells | null) {
  await conn.run('DELETE FROM rz_place_grid');
  await conn.run('DELETE FROM rz_place_cell');
  if (!grid) return;
  const players = Number((await one(conn, 'SELECT count(*) FILTER (positioned > 0) AS n FROM rz_pp_agg')).n);
  await conn.run('INSERT INTO rz_place_grid VALUES (1, $1, $2, $3, $4)', [grid.x0, grid.y0, grid.cell, Math.max(2, Math.ceil(0.01 * players))]);
  await conn.run('INSERT INTO rz_place_cell SELECT cx, cy, count(*), sum(n) FROM rz_pp_cell GROUP BY ALL');
}

async function storedGrid(conn: DuckDBConnection): Promise<GridCells | null> {
  const g = await one(conn, 'SELECT x0, y0, cell FROM rz_place_grid');
  const [x0, y0, cell] = [num(g.x0), num(g.y0), num(g.cell)];
  return x0 === null || y0 === null || cell === null ? null : { x0, y0, cell };
}

/**
 * rz_pp_cell (created, or appended to by a later pass): each player's rows per cell of the grid (n),
 * the first file they were in it and their rows in files after `afterFileId`. One GROUP BY gives the
 * cells' player counts, each player's area and rare-place share, and follow mode's new visits
 * (count(DISTINCT) per player cost 10× more). Cells are computed where they are read rather than
 * copied into rz_pp_row.
 */
async function playerCells(conn: DuckDBConnection, grid: GridCells, afterFileId: number, append: boolean) {
  await conn.run(`${append ? 'INSERT INTO rz_pp_cell' : 'CREATE OR REPLACE TEMP TABLE rz_pp_cell AS'}
    SELECT pidx, cx, cy, count(*) AS n, min(file_id) AS first_file, count(*) FILTER (file_id > ${afterFileId}) AS new_rows
    FROM (SELECT *, ${placeCellSql('x', 'y', grid)} FROM rz_pp_row) WHERE x IS NOT NULL AND abs(cx) < 1e9 AND abs(cy) < 1e9 GROUP BY ALL`);
}

/** The scoped rows' new visits (rz_pp_cell) into the stored grid's cell counts. */
async function addToGrid(conn: DuckDBConnection, afterFileId: number) {
  await conn.run(`CREATE OR REPLACE TEMP TABLE rz_pp_cellnew AS
    SELECT cx, cy, count(*) FILTER (first_file > ${afterFileId})::INTEGER AS players, sum(new_rows)::BIGINT AS rows FROM rz_pp_cell
    GROUP BY ALL HAVING sum(new_rows) > 0`);
  await conn.run(`UPDATE rz_place_cell c SET players = c.players + n.players, rows = c.rows + n.rows FROM rz_pp_cellnew n WHERE c.cx = n.cx AND c.cy = n.cy`);
  await conn.run(
    `INSERT INTO rz_place_cell SELECT n.* FROM rz_pp_cellnew n WHERE NOT EXISTS (SELECT 1 FROM rz_place_cell c WHERE c.cx = n.cx AND c.cy = n.cy)`,
  );
  await conn.run('DROP TABLE rz_pp_cellnew');
}

/** The rare-places grid as stored in rz_place_grid; its cells in rz_place_cell (players, rows). */
export interface PlaceGrid {
  x0: number;
  y0: number;
  cell: number;
  /** A cell is rare when at most this many distinct players were ever in it. */
  rarePlayers: number;
}

/** `cx, cy` columns: the rare-places cell of position (x, y), for every query that lays positions on the grid. */
export function placeCellSql(x: string, y: string, g: Pick<PlaceGrid, 'x0' | 'y0' | 'cell'>): string {
  return `floor((${x} - ${g.x0}) / ${g.cell})::BIGINT AS cx, floor((${y} - ${g.y0}) / ${g.cell})::BIGINT AS cy`;
}

/**
 * rz_pp_agg (created, or appended to by a later pass): everything per player that rz_pp_row's rows
 * give on their own (all but the rare-place columns, which need every pass's cells), rz_pp_fast joined.
 * Drops the pass's rz_pp_row and rz_pp_fast.
 */
async function aggregatePass(conn: DuckDBConnection, s: RuleSettings, gap: number, append: boolean) {
  const inSession = `dt <= ${gap}`;
  const mv = `step > 0 AND ${inSession}`;
  // Distinct positions and zones per player as GROUP BYs of their own: DISTINCT aggregates beside the
  // others made this statement the slowest of the pass at lab scale.
  await conn.run(`${append ? 'INSERT INTO rz_pp_agg' : 'CREATE OR REPLACE TEMP TABLE rz_pp_agg AS'}
    SELECT a.*, coalesce(f.fast_run, 0) AS fast_run, a.moves / nullif(ps.positions, 0) AS loop_share, z.zone_ids, coalesce(sr.straight_run, 0) AS straight_run
    FROM (SELECT r.pidx, count(*) AS rows, count(x) AS positioned,
      count(*) FILTER (dt IS NULL OR dt > ${gap}) AS sessions,
      coalesce(sum(dt) FILTER (${inSession}), 0) AS active_s,
      quantile_cont(step, [0.5, 0.95]) FILTER (${mv}) AS step_q,
      max(step) FILTER (${mv}) AS step_max,
      max(step) FILTER (${inSession} OR dt IS NULL) AS longest_step,
      coalesce(max(step) FILTER (${inSession} AND step <= ${s.teleportStep}), 0) AS fastest_speed,
      quantile_cont(step / dt, 0.95) FILTER (${mv} AND dt > 0) AS speed_p95,
      count(*) FILTER (${inSession} AND step > ${s.teleportStep}) AS teleports,
      stddev_pop(dt) FILTER (${inSession}) / nullif(avg(dt) FILTER (${inSession}), 0) AS timing_cv,
      count(*) FILTER (zone IS NOT NULL) AS zone_rows,
      count(*) FILTER (zone IS NOT NULL AND zone IS DISTINCT FROM prev_zone) AS zone_entries,
      coalesce(sum(dt) FILTER (zone IS NOT NULL AND zone = prev_zone AND ${inSession}), 0) AS zone_seconds,
      count(*) FILTER (${mv}) AS moves,
      avg((straight > ${STRAIGHT})::INTEGER) FILTER (straight IS NOT NULL) AS straight_share,
      avg(level_step::INTEGER) FILTER (${mv}) AS level_share,
      min(createdate) AS first_seen, max(createdate) AS last_seen
    FROM rz_pp_row r GROUP BY r.pidx) a
    LEFT JOIN rz_pp_fast f USING (pidx)
    LEFT JOIN (SELECT pidx, count(*) AS positions FROM (SELECT DISTINCT pidx, x, y FROM rz_pp_row WHERE ${mv}) GROUP BY pidx) ps USING (pidx)
    LEFT JOIN (SELECT pidx, list(zone ORDER BY zone) AS zone_ids FROM (SELECT DISTINCT pidx, zone FROM rz_pp_row WHERE zone IS NOT NULL) GROUP BY pidx) z USING (pidx)
    LEFT JOIN (SELECT pidx, max(n) AS straight_run FROM (
        SELECT pidx, island, count(*) AS n FROM (
          SELECT pidx, rn - row_number() OVER (PARTITION BY pidx ORDER BY rn) AS island FROM rz_pp_row WHERE straight > ${STRAIGHT})
        GROUP BY ALL)
      GROUP BY pidx) sr USING (pidx)`);
  await conn.run('DROP TABLE rz_pp_row');
  await conn.run('DROP TABLE rz_pp_fast');
}

/** Profiles and evidence from rz_pp_agg and rz_pp_cell: of every player, or (scoped) replacing those of rz_pp_scope's players. */
async function writeProfiles(conn: DuckDBConnection, typicalGap: number, scoped: boolean) {
  const replaced = scoped ? ' WHERE pidx IN (SELECT pidx FROM rz_pp_scope)' : '';
  const grid = await one(conn, 'SELECT rare_players FROM rz_place_grid');
  const rareMax = num(grid.rare_players);
  // Per player from rz_pp_cell (filled pass by pass; absent without a grid).
  const cellAgg =
    rareMax === null
      ? 'SELECT NULL::INTEGER AS pidx, 0 AS area_cells, NULL::DOUBLE AS rare_share WHERE false'
      : `SELECT pidx, count(*) AS area_cells, sum(n * (c.players <= ${rareMax})::INTEGER) / sum(n) AS rare_share FROM rz_pp_cell p JOIN rz_place_cell c USING (cx, cy) GROUP BY pidx`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE rz_pp_extra AS
    SELECT a.pidx, coalesce(cl.area_cells, 0) AS area_cells, cl.rare_share FROM rz_pp_agg a LEFT JOIN (${cellAgg}) cl USING (pidx)`);
  await conn.run(`DELETE FROM rz_player_profile${replaced}`);
  await conn.run(`INSERT INTO rz_player_profile
    SELECT a.pidx, a.rows, a.sessions, a.active_s / 3600, a.rows * 3600 / (a.active_s + a.sessions * ${typicalGap}),
      a.active_s / 3600 / greatest(a.sessions, 1), a.step_q[1], a.step_q[2], a.step_max, a.speed_p95, a.teleports,
      a.fast_run, a.timing_cv, e.rare_share, a.zone_rows / a.rows, a.zone_seconds, e.area_cells, a.loop_share,
      a.straight_share, a.straight_run, a.level_share
    FROM rz_pp_agg a JOIN rz_pp_extra e USING (pidx)`);
  await conn.run(`DELETE FROM rz_player_evidence${replaced}`);
  await conn.run(`INSERT INTO rz_player_evidence
    SELECT a.pidx, a.rows, a.zone_entries, a.zone_seconds, coalesce(list_transform(a.zone_ids, id -> id::VARCHAR), []),
      coalesce(a.longest_step, 0), a.fastest_speed, a.teleports, a.fast_run, a.first_seen, a.last_seen
    FROM rz_pp_agg a`);
  await conn.run('DROP TABLE rz_pp_agg');
  await conn.run('DROP TABLE rz_pp_extra');
  await conn.run('DROP TABLE IF EXISTS rz_pp_cell');
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const v = [...values].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

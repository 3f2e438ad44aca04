import { ApiError } from '../../shared/api/envelope.ts';
import type {
  DensityGrid,
  DensityRequest,
  MapCache,
  MapExtent,
  MapFilter,
  Overlay,
  OverlayRequest,
  SelectedPlayer,
  SelectionRequest,
} from '../../shared/api/map.ts';
import { numberValues } from '../../shared/api/columns.ts';
import { readColumns } from '../workspace/columns.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { runAndCutoff } from '../investigate/flagged.ts';
import { currentMapCache } from './cache.ts';
import { tableExists } from '../investigate/sqlUtil.ts';
import { requireNumber } from '../../shared/api/validate.ts';

/**
 * The map's queries. Everything is aggregated in DuckDB and crosses to the renderer as typed columns:
 * the density layer is a 2-D histogram at the viewport's resolution (re-binned on every pan and zoom),
 * the overlay only the anomalous points (capped, highest scores first).
 */

type Params = Record<string, number | string>;

const MAX_BINS = 1000;
const DEFAULT_OVERLAY = 50_000;
const MAX_OVERLAY = 200_000;

/**
 * Each player's profile spans from userlog: a row is in force from its utimestamp until the player's
 * next row. Rows sharing a timestamp keep the one `userprofile` would pick (highest level, then latest
 * row), so the last span is the current profile. The first span reaches back to -infinity: events
 * before a player's first userlog row take their earliest known profile (the closest guess for what
 * they were then, rather than dropping those events from every class or level filter).
 */
const PROFILE_SPANS = `SELECT pidx, uclass, ulevel, valid_from, lead(valid_from, 1, 'infinity'::TIMESTAMP) OVER (PARTITION BY pidx ORDER BY valid_from) AS valid_to
  FROM (SELECT pidx, uclass, ulevel, if(utimestamp = min(utimestamp) OVER (PARTITION BY pidx), '-infinity'::TIMESTAMP, utimestamp) AS valid_from
        FROM userlog QUALIFY row_number() OVER (PARTITION BY pidx, utimestamp ORDER BY ulevel DESC, row_id DESC) = 1)`;

/** The analyst's filters (time, class, level band, score) on playlog `p`: WHERE clauses, and the join a class or level filter needs. */
export function filterSql(f: MapFilter, params: Params, runId: number | null): { join: string; where: string[] } {
  const where: string[] = [];
  const num = requireNumber;
  if (f.from !== undefined) {
    params.from = Math.floor(num(f.from, 'from'));
    where.push('p.createdate >= epoch_ms($from::BIGINT)');
  }
  if (f.to !== undefined) {
    params.to = Math.ceil(num(f.to, 'to'));
    where.push('p.createdate <= epoch_ms($to::BIGINT)');
  }
  const profile: string[] = [];
  if (f.uclass !== undefined && f.uclass !== '') {
    params.uclass = String(f.uclass);
    profile.push('uclass = $uclass');
  }
  if (f.levelMin !== undefined) {
    params.levelMin = num(f.levelMin, 'levelMin');
    profile.push('ulevel >= $levelMin');
  }
  if (f.levelMax !== undefined) {
    params.levelMax = num(f.levelMax, 'levelMax');
    profile.push('ulevel <= $levelMax');
  }
  // Class and level band are the profile in force when the event happened. Semantically an
  // ASOF LEFT JOIN on userlog; joining the matching spans on pidx gives the same rows without sorting
  // the play log (about 3× faster at 2M rows), and spans never overlap, so each event joins at most once.
  const join = profile.length
    ? `JOIN (SELECT pidx, valid_from, valid_to FROM (${PROFILE_SPANS}) WHERE ${profile.join(' AND ')}) u ON u.pidx = p.pidx AND p.createdate >= u.valid_from AND p.createdate < u.valid_to`
    : '';
  if (f.minScore !== undefined) {
    if (runId === null) throw new ApiError('BAD_REQUEST', 'a score filter needs a scoring run');
    params.minScore = num(f.minScore, 'minScore');
    params.scoreRun = runId;
    where.push('p.row_id IN (SELECT row_id FROM rz_score WHERE run_id = $scoreRun AND score >= $minScore)');
  }
  return { join, where };
}

function boxSql(b: { x0?: number; x1?: number; y0?: number; y1?: number }, params: Params): string[] {
  const where: string[] = [];
  for (const [k, col, op] of [
    ['x0', 'posnewx', '>='],
    ['x1', 'posnewx', '<='],
    ['y0', 'posnewy', '>='],
    ['y1', 'posnewy', '<='],
  ] as const) {
    const v = b[k];
    if (v === undefined) continue;
    params[k] = requireNumber(v, k);
    where.push(`p.${col} ${op} $${k}`);
  }
  return where;
}

async function requirePlaylog(ws: Workspace): Promise<boolean> {
  return tableExists(ws, 'playlog');
}

export async function mapExtent(ws: Workspace): Promise<MapExtent | null> {
  if (!(await requirePlaylog(ws))) return null;
  const r = (
    await ws.db.runAndReadAll(
      `SELECT min(posnewx) x0, max(posnewx) x1, min(posnewy) y0, max(posnewy) y1, epoch_ms(min(createdate)) t0, epoch_ms(max(createdate)) t1, count(*) n FROM playlog`,
    )
  ).getRowObjectsJS()[0];
  if (Number(r.n) === 0) return null;
  // Every class and level any player has held: the filters match the profile at event time.
  const prof = (await ws.db.runAndReadAll(`SELECT list(DISTINCT uclass ORDER BY uclass) c, min(ulevel) lo, max(ulevel) hi FROM userlog`)).getRowObjectsJS()[0];
  // The fewest decimals (up to 3) that hold a sample of positions exactly.
  const exact = (k: number) => `bool_and(posnewx = round(posnewx, ${k}) AND posnewy = round(posnewy, ${k}))`;
  const dec = (
    await ws.db.runAndReadAll(
      `SELECT CASE WHEN ${exact(0)} THEN 0 WHEN ${exact(1)} THEN 1 WHEN ${exact(2)} THEN 2 ELSE 3 END FROM (SELECT posnewx, posnewy FROM playlog LIMIT 20000)`,
    )
  ).getRows()[0][0];
  return {
    x0: Number(r.x0),
    x1: Number(r.x1),
    y0: Number(r.y0),
    y1: Number(r.y1),
    from: Number(r.t0),
    to: Number(r.t1),
    rows: Number(r.n),
    classes: ((prof.c as string[] | null) ?? []).map(String),
    levelMin: prof.lo === null ? 0 : Number(prof.lo),
    levelMax: prof.hi === null ? 0 : Number(prof.hi),
    decimals: dec === null ? 0 : Number(dec),
  };
}

/**
 * The 2-D histogram of positions in the viewport: nx × ny bins, counted in DuckDB. `cached` gives the
 * position cache when it is usable (the app's MapCacheService also starts a build when it is stale);
 * without it the play log is read, which is correct, only slower.
 */
export async function density(
  ws: Workspace,
  req: DensityRequest,
  cached: () => Promise<MapCache | null> = async () => (await currentMapCache(ws)) ?? null,
): Promise<DensityGrid> {
  const { x0, x1, y0, y1 } = req;
  for (const [k, v] of Object.entries({ x0, x1, y0, y1 })) requireNumber(v, k);
  if (!(x1 > x0 && y1 > y0)) throw new ApiError('BAD_REQUEST', 'the viewport must have x1 > x0 and y1 > y0');
  const nx = Math.round(req.nx);
  const ny = Math.round(req.ny);
  if (!(nx >= 1 && nx <= MAX_BINS && ny >= 1 && ny <= MAX_BINS)) throw new ApiError('BAD_REQUEST', `nx and ny must be 1..${MAX_BINS}`);
  const bw = (x1 - x0) / nx;
  const bh = (y1 - y0) / ny;
  const counts = new Float64Array(nx * ny);
  const started = performance.now();
  if (!(await requirePlaylog(ws))) return { x0, y0, bw, bh, nx, ny, counts, total: 0, queryMs: 0 };
  const filtered = [req.from, req.to, req.uclass || undefined, req.levelMin, req.levelMax, req.minScore].some((v) => v !== undefined);
  const cache = filtered ? null : await cached();
  let sql: string;
  let params: Params;
  if (cache && bw >= 2 * cache.cell && bh >= 2 * cache.cell) {
    // Bins of at least two cells: re-bin the cell counts in view, each cell by its centre.
    params = {
      x0,
      y0,
      bw,
      bh,
      cell: cache.cell,
      cx0: cache.x0,
      cy0: cache.y0,
      c0: Math.floor((x0 - cache.x0) / cache.cell),
      c1: Math.floor((x1 - cache.x0) / cache.cell),
      r0: Math.floor((y0 - cache.y0) / cache.cell),
      r1: Math.floor((y1 - cache.y0) / cache.cell),
    };
    sql = `SELECT greatest(0, least(floor(((cx + 0.5) * $cell + $cx0 - $x0) / $bw), ${nx - 1}))::INTEGER AS bx, greatest(0, least(floor(((cy + 0.5) * $cell + $cy0 - $y0) / $bh), ${ny - 1}))::INTEGER AS by, sum(n)::DOUBLE AS n
      FROM rz_map_cells WHERE cx BETWEEN $c0 AND $c1 AND cy BETWEEN $r0 AND $r1 GROUP BY ALL`;
  } else {
    // Zoomed in past the cells (or filtered): count positions, from the band-sorted copy when unfiltered.
    const run = req.minScore !== undefined ? (await runAndCutoff(ws, { ...(req.runId !== undefined ? { runId: req.runId } : {}) })).run : null;
    params = { bw, bh };
    const filters = filterSql(req, params, run?.id ?? null);
    const where = [...boxSql({ x0, x1, y0, y1 }, params), ...filters.where];
    const source = cache ? '(SELECT x AS posnewx, y AS posnewy FROM rz_map_xy) p' : `playlog p ${filters.join}`;
    // Bins are half-open except the last, which takes the viewport's far edge too.
    sql = `SELECT least(floor((p.posnewx - $x0) / $bw), ${nx - 1})::INTEGER AS bx, least(floor((p.posnewy - $y0) / $bh), ${ny - 1})::INTEGER AS by, count(*)::DOUBLE AS n
      FROM ${source} WHERE ${where.join(' AND ')} GROUP BY ALL`;
  }
  const conn = await ws.connect();
  try {
    const batch = await readColumns(await conn.stream(sql, params));
    const [bx, by, n] = batch.columns.map(numberValues);
    let total = 0;
    for (let i = 0; i < batch.rowCount; i++) {
      counts[by[i] * nx + bx[i]] += n[i];
      total += n[i];
    }
    return { x0, y0, bw, bh, nx, ny, counts, total, queryMs: performance.now() - started };
  } finally {
    conn.closeSync();
  }
}

/** Points at or above the cut-off (in the viewport, through the filters), highest scores first. */
export async function overlay(ws: Workspace, req: OverlayRequest): Promise<Overlay> {
  const { run, cutoff } = await runAndCutoff(ws, {
    ...(req.runId !== undefined ? { runId: req.runId } : {}),
    ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}),
  });
  const empty = { batch: { rowCount: 0, columns: [] }, total: 0, cutoffValue: cutoff };
  if (!run || !run.keyedByPlaylog || !(await requirePlaylog(ws))) return empty;
  const limit = Math.min(MAX_OVERLAY, Math.max(1, Math.round(req.limit ?? DEFAULT_OVERLAY)));
  const params: Params = { run: run.id, cut: cutoff!, limit };
  const filters = filterSql(req, params, run.id);
  const where = ['s.run_id = $run', 's.score >= $cut', ...boxSql(req, params), ...filters.where];
  const sql = `SELECT p.row_id, p.pidx, p.posnewx AS x, p.posnewy AS y, s.score, epoch_ms(p.createdate)::DOUBLE AS t, v.verdict, count(*) OVER () AS total
    FROM rz_score s JOIN playlog p USING (row_id) ${filters.join} LEFT JOIN rz_verdict v ON v.pidx = p.pidx WHERE ${where.join(' AND ')}
    ORDER BY s.score DESC, p.row_id LIMIT $limit`;
  const conn = await ws.connect();
  try {
    const batch = await readColumns(await conn.stream(sql, params));
    const totalColumn = batch.columns.pop()!;
    return { batch, total: batch.rowCount ? numberValues(totalColumn)[0] : 0, cutoffValue: cutoff };
  } finally {
    conn.closeSync();
  }
}

/** The players with positions in a box (click or box-select on the map), most anomalous first. */
export async function selectPlayers(ws: Workspace, req: SelectionRequest): Promise<SelectedPlayer[]> {
  if (!(await requirePlaylog(ws))) return [];
  const { run, cutoff } = await runAndCutoff(ws, {
    ...(req.runId !== undefined ? { runId: req.runId } : {}),
    ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}),
  });
  const scored = run?.keyedByPlaylog ?? false;
  const params: Params = scored ? { run: run!.id, cut: cutoff! } : {};
  const filters = filterSql(req, params, run?.id ?? null);
  const where = [...boxSql(req, params), ...filters.where];
  const sql = `SELECT p.pidx, count(*) AS rows, ${scored ? 'count(*) FILTER (s.score >= $cut)' : '0'} AS anomalous, ${scored ? 'max(s.score)' : 'NULL::DOUBLE'} AS max_score, any_value(v.verdict) AS verdict
    FROM playlog p ${filters.join} ${scored ? 'LEFT JOIN rz_score s ON s.run_id = $run AND s.row_id = p.row_id' : ''} LEFT JOIN rz_verdict v ON v.pidx = p.pidx
    WHERE ${where.length ? where.join(' AND ') : 'true'}
    GROUP BY p.pidx ${req.anomalousOnly && scored ? 'HAVING count(*) FILTER (s.score >= $cut) > 0' : ''}
    ORDER BY anomalous DESC, max_score DESC NULLS LAST, rows DESC, p.pidx LIMIT 500`;
  const rows = (await ws.db.runAndReadAll(sql, params)).getRowObjectsJS();
  return rows.map((r) => ({
    pidx: Number(r.pidx),
    rows: Number(r.rows),
    anomalousRows: Number(r.anomalous),
    maxScore: r.max_score === null ? null : Number(r.max_score),
    verdict: r.verdict === null ? null : (String(r.verdict) as SelectedPlayer['verdict']),
  }));
}

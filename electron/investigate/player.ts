import type { ColumnBatch } from '../../shared/api/columns.ts';
import { numberValues } from '../../shared/api/columns.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { EventsPageRequest, PlayerDetail, PlayerRequest } from '../../shared/api/investigate.ts';
import type { FeatureSet, ScoringRun } from '../../shared/api/scoring.ts';
import { attributeForest, deserializeForest, type Forest } from '../rcf/index.ts';
import { featureSet, querySource } from '../scoring/features.ts';
import { resolveRun, runModel } from '../scoring/runs.ts';
import { readColumns } from '../workspace/columns.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { ruleSettings } from './evidence.ts';
import { flaggedPlayers, runAndCutoff } from './flagged.ts';
import { playerProfileInfo } from './playerForest.ts';
import { getVerdict } from './verdicts.ts';
import { inAnyZoneSql, listZones } from './zones.ts';
import { requireInteger } from '../../shared/api/validate.ts';

/** Rows of the player whose attribution the drill-down explains. */
const TOP_ROWS = 10;

async function batchOf(ws: Workspace, sql: string, params: Record<string, number>): Promise<ColumnBatch> {
  const conn = await ws.connect();
  try {
    return await readColumns(await conn.stream(sql, params));
  } finally {
    conn.closeSync();
  }
}

/** The forest of the last run asked about, kept deserialized: attribution is asked for player after player. */
let cachedForest: { ws: Workspace; runId: number; forest: Forest } | null = null;

async function forestOf(ws: Workspace, runId: number): Promise<Forest> {
  if (cachedForest?.ws === ws && cachedForest.runId === runId) return cachedForest.forest;
  const forest = deserializeForest(await runModel(ws, runId));
  cachedForest = { ws, runId, forest };
  return forest;
}

/** Per-dimension attribution (high, low per feature) of the player's top-scoring rows, recomputed from the stored model. */
async function attribution(ws: Workspace, run: ScoringRun, pidx: number): Promise<PlayerDetail['attribution']> {
  if (!run.keyedByPlaylog) return null;
  const source = run.features === 'query' ? await querySource(ws, run.query) : featureSet(run.features as FeatureSet);
  const top = (
    await ws.db.runAndReadAll('SELECT row_id, score FROM rz_score WHERE run_id = $1 AND pidx = $2 ORDER BY score DESC, row_id LIMIT $3', [
      run.id,
      pidx,
      TOP_ROWS,
    ])
  ).getRows();
  if (top.length === 0) return null;
  const ids = top.map((r) => Number(r[0]));
  const cols = source.featureColumns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
  // Filter on pidx first: the movement features' window then only sees this player's rows.
  const filter = source.hasPidx ? `WHERE pidx = ${pidx} AND row_id IN (${ids.join(',')})` : `WHERE row_id IN (${ids.join(',')})`;
  const batch = await batchOf(ws, `SELECT row_id, ${cols} FROM (${source.select}) AS f ${filter}`, {});
  const dims = source.featureColumns.length;
  const byId = new Map<number, number>();
  numberValues(batch.columns[0]).forEach((id, i) => byId.set(id, i));
  const points = new Float64Array(ids.length * dims);
  ids.forEach((id, i) => {
    const at = byId.get(id);
    if (at === undefined) return;
    for (let j = 0; j < dims; j++) points[i * dims + j] = numberValues(batch.columns[1 + j])[at];
  });
  const forest = await forestOf(ws, run.id);
  if (forest.dims !== dims) return null;
  const parts = attributeForest(forest, points);
  return {
    featureColumns: source.featureColumns,
    rows: ids
      .filter((id) => byId.has(id))
      .map((id) => {
        const i = ids.indexOf(id);
        const w = 2 * dims;
        return {
          rowId: id,
          score: Number(top[i][1]),
          high: Array.from({ length: dims }, (_, j) => parts[i * w + 2 * j]),
          low: Array.from({ length: dims }, (_, j) => parts[i * w + 2 * j + 1]),
        };
      }),
  };
}

export async function playerDetail(ws: Workspace, req: PlayerRequest): Promise<PlayerDetail> {
  const pidx = requireInteger(req.pidx, 'pidx');
  const query = { ...(req.runId !== undefined ? { runId: req.runId } : {}), ...(req.cutoff !== undefined ? { cutoff: req.cutoff } : {}) };
  const list = await flaggedPlayers(ws, query);
  const summary = list.players.find((p) => p.pidx === pidx) ?? (await flaggedPlayers(ws, query, { pidx })).players[0];
  if (!summary) throw new ApiError('NOT_FOUND', `no player ${pidx} in this workspace's play log`);
  const { run, cutoff } = await runAndCutoff(ws, query);
  const settings = await ruleSettings(ws);
  const zones = await listZones(ws);
  const scored = run?.keyedByPlaylog ?? false;
  const params: Record<string, number> = { pidx, ...(scored ? { run: run!.id, cut: cutoff! } : {}) };
  const track = await batchOf(
    ws,
    `SELECT p.row_id, epoch_ms(p.createdate)::DOUBLE AS t, p.posnewx AS x, p.posnewy AS y, p.posoldx AS oldx, p.posoldy AS oldy,
       p.step, coalesce(p.dt, 0) AS dt, p.action, ${scored ? 's.score' : 'NULL::DOUBLE AS score'},
       ${scored ? 'coalesce(s.score >= $cut, false)' : 'false'} AS anomalous,
       ${inAnyZoneSql(zones, 'p.posnewx', 'p.posnewy')} AS in_zone,
       p.step > ${settings.maxSpeed} AS fast, p.step > ${settings.teleportStep} AS teleport
     FROM (SELECT *, sqrt((posnewx - posoldx) ^ 2 + (posnewy - posoldy) ^ 2) AS step, epoch(createdate - lag(createdate) OVER (ORDER BY createdate, idx)) AS dt
           FROM playlog WHERE pidx = $pidx) p
     ${scored ? 'LEFT JOIN rz_score s ON s.run_id = $run AND s.row_id = p.row_id' : ''}
     ORDER BY p.createdate, p.idx`,
    params,
  );
  const levels = await batchOf(ws, 'SELECT epoch_ms(utimestamp)::DOUBLE AS t, uclass, ulevel FROM userlog WHERE pidx = $pidx ORDER BY utimestamp, row_id', {
    pidx,
  });
  return {
    pidx,
    summary,
    track,
    levels,
    attribution: scored ? await attribution(ws, run!, pidx) : null,
    cutoffValue: cutoff,
    profile: run ? await playerProfileInfo(ws, run.id, pidx) : null,
    verdict: await getVerdict(ws, pidx),
    sql: {
      events: `SELECT * FROM movement WHERE pidx = ${pidx} ORDER BY createdate, idx`,
      scores: run
        ? `SELECT p.*, s.score FROM playlog p JOIN rz_score s USING (row_id) WHERE s.run_id = ${run.id} AND p.pidx = ${pidx} ORDER BY s.score DESC`
        : null,
      profile: `SELECT * FROM userlog WHERE pidx = ${pidx} ORDER BY utimestamp`,
    },
  };
}

/** The player's raw events (with the run's score), in time order, a page at a time. */
export async function playerEvents(ws: Workspace, req: EventsPageRequest): Promise<{ total: number; batch: ColumnBatch }> {
  requireInteger(req.pidx, 'pidx');
  const run = await resolveRun(ws, req.runId);
  const scored = run?.keyedByPlaylog ?? false;
  const offset = Math.max(0, Math.floor(req.offset));
  const limit = Math.min(10_000, Math.max(1, Math.floor(req.limit)));
  const total = Number((await ws.db.runAndReadAll('SELECT count(*) FROM playlog WHERE pidx = $1', [req.pidx])).getRows()[0][0]);
  const batch = await batchOf(
    ws,
    `SELECT p.createdate, p.posnewx, p.posnewy, p.posoldx, p.posoldy, p.action, p.idx, p.row_id${scored ? ', s.score' : ''}, p.source
     FROM playlog p ${scored ? 'LEFT JOIN rz_score s ON s.run_id = $run AND s.row_id = p.row_id' : ''}
     WHERE p.pidx = $pidx ORDER BY p.createdate, p.idx LIMIT $limit OFFSET $offset`,
    { pidx: req.pidx, limit, offset, ...(scored ? { run: run!.id } : {}) },
  );
  return { total, batch };
}

import { listValue } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import { numberValues } from '../../shared/api/columns.ts';
import type { LiveScoring } from '../../shared/api/live.ts';
import type { ScoreRequest, ScoringRun } from '../../shared/api/scoring.ts';
import type { WorkContext } from '../jobs/context.ts';
import { readColumns } from '../workspace/columns.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { featureSet, querySource, type FeatureSource } from './features.ts';
import { latestRun, resolveRun, runModel } from './runs.ts';
import type { BatchScorer } from './service.ts';
import { inTransaction } from '../workspace/db.ts';

/**
 * Live scoring: rows that arrived after a batch run are scored with that run's saved forest (no
 * retraining) and appended to its scores, so the flagged list (a GROUP BY over the run's scores) takes
 * them in. `rz_live_score` remembers, per run, the last row scored and where its training rows ended.
 */

export interface LiveResult {
  runId: number | null;
  /** Rows scored in this call. */
  rows: number;
  /** Of them, at or above the run's cut-off. */
  above: number;
  /** The players of the rows scored (their player scores need refreshing). */
  players: number[];
  /** Why nothing could be scored (no run, a run not keyed by the play log). */
  skipped?: string;
}

interface LiveState {
  trainLastRowId: number;
  lastRowId: number;
}

async function liveState(ws: Workspace, run: ScoringRun): Promise<LiveState> {
  const have = (await ws.db.runAndReadAll('SELECT train_last_row_id, last_row_id FROM rz_live_score WHERE run_id = $1', [run.id])).getRows()[0];
  if (have) return { trainLastRowId: Number(have[0]), lastRowId: Number(have[1]) };
  // First live use of this run: its scored rows are the training rows.
  const last = Number((await ws.db.runAndReadAll('SELECT coalesce(max(row_id), -1) FROM rz_score WHERE run_id = $1', [run.id])).getRows()[0][0]);
  await ws.db.run('INSERT OR IGNORE INTO rz_live_score VALUES ($1, $2, $2, 0, now()::TIMESTAMP)', [run.id, last]);
  return { trainLastRowId: last, lastRowId: last };
}

/** The run's feature SELECT, rebuilt the way the run read it (key columns first, then its features). */
async function runSource(ws: Workspace, run: ScoringRun): Promise<FeatureSource> {
  const source = run.features === 'points' || run.features === 'movement' ? featureSet(run.features) : await querySource(ws, run.query);
  if (source.featureColumns.join() !== run.featureColumns.join()) {
    throw new ApiError(
      'BAD_REQUEST',
      `run ${run.id} was trained on ${run.featureColumns.join(', ')} but its features now read ${source.featureColumns.join(', ')}: retrain`,
    );
  }
  return source;
}

/**
 * Scores the play-log rows after the newest run's last scored row with its saved forest, in turn with
 * the batch runs (the scorer's queue), and appends them to the run in one transaction.
 */
export async function scoreNewRows(ws: Workspace, scorer: BatchScorer, ctx: WorkContext): Promise<LiveResult> {
  const run = await latestRun(ws);
  if (!run) return { runId: null, rows: 0, above: 0, players: [], skipped: 'no scoring run yet: score once, then new rows are scored live' };
  if (!run.keyedByPlaylog)
    return { runId: run.id, rows: 0, above: 0, players: [], skipped: `run ${run.id} is not keyed by play-log rows: retrain with a feature set to score live` };
  const state = await liveState(ws, run);
  const source = await runSource(ws, run);
  const conn = await ws.connect();
  try {
    // The feature set's own ORDER BY would sort every row before the filter keeps the new ones.
    const select = source.select.replace(/\s+ORDER BY row_id\s*$/i, '');
    const batch = await readColumns(await conn.stream(`SELECT * FROM (${select}) AS s WHERE row_id > $1 ORDER BY row_id`, [state.lastRowId]));
    const n = batch.rowCount;
    if (n === 0) return { runId: run.id, rows: 0, above: 0, players: [] };
    const first = source.hasPidx ? 2 : 1;
    const dims = source.featureColumns.length;
    const points = new Float64Array(n * dims);
    for (let j = 0; j < dims; j++) {
      const column = batch.columns[first + j];
      if (column.nulls?.some((x) => x)) throw new ApiError('BAD_REQUEST', `feature column "${column.name}" has NULL values in the new rows`);
      const values = numberValues(column);
      for (let i = 0; i < n; i++) points[i * dims + j] = values[i];
    }
    ctx.progress({ done: 0, total: n, unit: 'rows', message: `scoring ${n.toLocaleString('en-US')} new rows with run ${run.id}'s forest` });
    const model = await runModel(ws, run.id);
    const { scores } = await scorer.scoreBatch(
      points,
      dims,
      { numTrees: run.trees, samplesPerTree: run.samples, seed: run.seed },
      { signal: ctx.signal, model, columns: source.featureColumns },
    );
    if (ctx.signal.aborted) throw new ApiError('CANCELLED', 'live scoring cancelled');
    const rowIds = numberValues(batch.columns[0]);
    const pidx = source.hasPidx ? numberValues(batch.columns[1]) : null;
    let above = 0;
    for (let i = 0; i < n; i++) if (scores[i] >= run.cutoffValue) above++;
    await inTransaction(conn, async () => {
      await conn.run('INSERT INTO rz_score SELECT $1, unnest($2::BIGINT[]), unnest($3::INTEGER[]), unnest($4::DOUBLE[])', [
        run.id,
        listValue([...rowIds].map((v) => BigInt(v))),
        listValue(pidx ? [...pidx] : new Array<null>(n).fill(null)),
        listValue([...scores]),
      ]);
      await conn.run('UPDATE rz_live_score SET last_row_id = $2, live_rows = live_rows + $3, updated_at = now()::TIMESTAMP WHERE run_id = $1', [
        run.id,
        rowIds[n - 1],
        n,
      ]);
    });
    ctx.progress({ done: n, total: n, unit: 'rows', message: `scored ${n.toLocaleString('en-US')} new rows` });
    return { runId: run.id, rows: n, above, players: pidx ? [...new Set(pidx)] : [] };
  } finally {
    conn.closeSync();
  }
}

/** The run's live rows and drift at its current cut-off; null when there is no run. */
export async function liveScoring(ws: Workspace, runId?: number): Promise<LiveScoring | null> {
  const run = await resolveRun(ws, runId);
  if (!run) return null;
  const state = (await ws.db.runAndReadAll('SELECT train_last_row_id, epoch_ms(updated_at) FROM rz_live_score WHERE run_id = $1', [run.id])).getRows()[0];
  const trainLast = state ? Number(state[0]) : Number.MAX_SAFE_INTEGER;
  const r = (
    await ws.db.runAndReadAll(
      `SELECT count(*) FILTER (row_id <= $2), count(*) FILTER (row_id <= $2 AND score >= $3), count(*) FILTER (row_id > $2), count(*) FILTER (row_id > $2 AND score >= $3)
       FROM rz_score WHERE run_id = $1`,
      [run.id, trainLast, run.cutoffValue],
    )
  )
    .getRows()[0]
    .map(Number);
  const [trainRows, trainAbove, liveRows, liveAbove] = r;
  const trainShare = trainRows ? trainAbove / trainRows : 0;
  const liveShare = liveRows ? liveAbove / liveRows : 0;
  return {
    runId: run.id,
    trainRows,
    liveRows,
    trainShare,
    liveShare,
    drift: liveRows === 0 ? 0 : trainShare > 0 ? liveShare / trainShare : liveShare > 0 ? Infinity : 1,
    updatedAt: state ? new Date(Number(state[1])).toISOString() : null,
  };
}

/** The request that rebuilds a run's model over today's rows: same features, parameters and cut-off. */
export async function retrainRequest(ws: Workspace, runId?: number): Promise<ScoreRequest> {
  const run = await resolveRun(ws, runId);
  if (!run) throw new ApiError('BAD_REQUEST', 'there is no scoring run to retrain: score once first');
  const what: ScoreRequest = run.features === 'points' || run.features === 'movement' ? { features: run.features } : { query: run.query };
  return { ...what, trees: run.trees, samples: run.samples, seed: run.seed, cutoff: run.cutoff };
}

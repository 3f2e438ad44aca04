import duckdb from '@duckdb/node-bindings';
import { BIGINT, DOUBLE, DuckDBDataChunk, INTEGER, type DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import { formatCutoff, parseCutoff, type Cutoff, type ScoringRun } from '../../shared/api/scoring.ts';
import { cutoff as cutoffOf } from '../rcf/index.ts';
import type { Workspace } from '../workspace/workspace.ts';

/** What a finished scoring pass hands to storage: the run's parameters, its model and its scores. */
export interface NewRun extends Pick<ScoringRun, 'features' | 'query' | 'featureColumns' | 'keyedByPlaylog' | 'trees' | 'samples' | 'seed' | 'elapsedMs'> {
  cutoff: Cutoff;
  model: Uint8Array;
  /** Row keys, player ids (or null when the features carry none) and scores, index-aligned. */
  rowIds: Float64Array;
  pidx: Float64Array | null;
  scores: Float64Array;
}

const RUN_COLUMNS = `run_id, created_at, features, query, feature_columns, keyed_by_playlog, trees, samples, seed, rows, mean, sd, min, max, cutoff, cutoff_value, elapsed_ms, octet_length(model) AS model_bytes`;

/** Scores at or above this are flagged, counted in SQL so a re-cut never reads the scores into JS. */
async function flaggedRows(db: DuckDBConnection, runId: number, value: number): Promise<number> {
  const r = await db.runAndReadAll('SELECT count(*) FROM rz_score WHERE run_id = $1 AND score >= $2', [runId, value]);
  return Number(r.getRows()[0][0]);
}

function toRun(r: Record<string, unknown>, flagged: number): ScoringRun {
  return {
    id: Number(r.run_id),
    createdAt: r.created_at instanceof Date ? r.created_at.toISOString() : String(r.created_at),
    features: String(r.features),
    query: String(r.query),
    featureColumns: (r.feature_columns as string[]).map(String),
    keyedByPlaylog: r.keyed_by_playlog === true,
    trees: Number(r.trees),
    samples: Number(r.samples),
    seed: Number(r.seed),
    rows: Number(r.rows),
    mean: Number(r.mean),
    sd: Number(r.sd),
    min: Number(r.min),
    max: Number(r.max),
    cutoff: String(r.cutoff),
    cutoffValue: Number(r.cutoff_value),
    flaggedRows: flagged,
    elapsedMs: Number(r.elapsed_ms),
    modelBytes: Number(r.model_bytes),
  };
}

export async function listRuns(ws: Workspace): Promise<ScoringRun[]> {
  const rows = (await ws.db.runAndReadAll(`SELECT ${RUN_COLUMNS} FROM rz_score_run ORDER BY run_id DESC`)).getRowObjectsJS();
  return Promise.all(rows.map(async (r) => toRun(r, await flaggedRows(ws.db, Number(r.run_id), Number(r.cutoff_value)))));
}

export async function getRun(ws: Workspace, id: number): Promise<ScoringRun> {
  const rows = (await ws.db.runAndReadAll(`SELECT ${RUN_COLUMNS} FROM rz_score_run WHERE run_id = $1`, [id])).getRowObjectsJS();
  if (rows.length === 0) throw new ApiError('NOT_FOUND', `no scoring run ${id} in this workspace`);
  return toRun(rows[0], await flaggedRows(ws.db, id, Number(rows[0].cutoff_value)));
}

/** The run a view or command means when it names none: the newest. */
export async function latestRun(ws: Workspace): Promise<ScoringRun | null> {
  const r = (await ws.db.runAndReadAll('SELECT max(run_id) FROM rz_score_run')).getRows()[0][0];
  return r === null ? null : getRun(ws, Number(r));
}

/** A run by id, or the newest when id is undefined; null only when no run exists and none was named. */
export async function resolveRun(ws: Workspace, id: number | undefined): Promise<ScoringRun | null> {
  return id === undefined ? latestRun(ws) : getRun(ws, id);
}

export function parseCutoffOrFail(text: string): Cutoff {
  try {
    return parseCutoff(text);
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
}

/** The score a cut-off rule means for a stored run: σ from its statistics, top-N from its scores. */
export async function cutoffValue(ws: Workspace, run: ScoringRun, rule: Cutoff): Promise<number> {
  if (rule.kind === 'sigma') return run.mean + rule.k * run.sd;
  if (rule.kind === 'fixed') return rule.score;
  if (rule.n >= run.rows) return run.min;
  const r = await ws.db.runAndReadAll('SELECT score FROM rz_score WHERE run_id = $1 ORDER BY score DESC LIMIT 1 OFFSET $2', [run.id, rule.n - 1]);
  return Number(r.getRows()[0][0]);
}

/** Stores a new cut-off for a run (scores untouched) and returns the run as it now reads. */
export async function recut(ws: Workspace, id: number, text: string): Promise<ScoringRun> {
  const run = await getRun(ws, id);
  const rule = parseCutoffOrFail(text);
  const value = await cutoffValue(ws, run, rule);
  await ws.db.run('UPDATE rz_score_run SET cutoff = $1, cutoff_value = $2 WHERE run_id = $3', [formatCutoff(rule), value, id]);
  return getRun(ws, id);
}

export async function deleteRun(ws: Workspace, id: number): Promise<boolean> {
  const conn = await ws.connect();
  try {
    await conn.run('BEGIN TRANSACTION');
    await conn.run('DELETE FROM rz_score WHERE run_id = $1', [id]);
    await conn.run('DELETE FROM rz_live_score WHERE run_id = $1', [id]);
    const r = await conn.run('DELETE FROM rz_score_run WHERE run_id = $1', [id]);
    await conn.run('COMMIT');
    return r.rowsChanged > 0;
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    conn.closeSync();
  }
}

/** The run's serialized forest, for attribution after the fact. */
export async function runModel(ws: Workspace, id: number): Promise<Uint8Array> {
  const r = (await ws.db.runAndReadAll('SELECT model FROM rz_score_run WHERE run_id = $1', [id])).getRows();
  if (r.length === 0) throw new ApiError('NOT_FOUND', `no scoring run ${id} in this workspace`);
  return new Uint8Array((r[0][0] as { bytes: Uint8Array }).bytes); // a copy: aligned for the model's typed-array sections
}

function stats(scores: Float64Array) {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    sum += s;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const mean = scores.length ? sum / scores.length : 0;
  let ss = 0;
  for (let i = 0; i < scores.length; i++) ss += (scores[i] - mean) ** 2;
  return { mean, sd: scores.length ? Math.sqrt(ss / scores.length) : 0, min: scores.length ? min : 0, max: scores.length ? max : 0 };
}

const CHUNK = 2048;

/**
 * Writes a run row and all its scores in one transaction on its own connection: the scores go in through
 * the Appender straight from the typed arrays, chunk by chunk. Returns the run id.
 */
export async function writeRun(ws: Workspace, run: NewRun, signal?: AbortSignal, onProgress?: (done: number) => void): Promise<number> {
  const n = run.scores.length;
  const s = stats(run.scores);
  const value = cutoffOf(run.scores, run.cutoff);
  const conn = await ws.connect();
  try {
    const id = Number((await conn.runAndReadAll("SELECT nextval('rz_score_run_seq')")).getRows()[0][0]);
    await conn.run('BEGIN TRANSACTION');
    try {
      const appender = await conn.createAppender('rz_score');
      const chunk = DuckDBDataChunk.create([INTEGER, BIGINT, INTEGER, DOUBLE], CHUNK);
      const runIds = new Int32Array(CHUNK).fill(id);
      const keys = new BigInt64Array(CHUNK);
      const pidx = new Int32Array(CHUNK);
      for (let from = 0; from < n; from += CHUNK) {
        if (signal?.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
        const m = Math.min(CHUNK, n - from);
        chunk.reset();
        for (let i = 0; i < m; i++) keys[i] = BigInt(run.rowIds[from + i]);
        if (run.pidx) for (let i = 0; i < m; i++) pidx[i] = run.pidx[from + i];
        const vec = (c: number) => duckdb.data_chunk_get_vector(chunk.chunk, c);
        duckdb.copy_data_to_vector(vec(0), 0, runIds.buffer, 0, m * 4);
        duckdb.copy_data_to_vector(vec(1), 0, keys.buffer, 0, m * 8);
        duckdb.copy_data_to_vector(vec(2), 0, pidx.buffer, 0, m * 4);
        if (!run.pidx) {
          // No player column: every pidx is NULL (validity bits all clear).
          duckdb.vector_ensure_validity_writable(vec(2));
          const cleared = new Uint8Array(Math.ceil(m / 64) * 8);
          duckdb.copy_data_to_vector_validity(vec(2), 0, cleared.buffer, 0, cleared.byteLength);
        }
        duckdb.copy_data_to_vector(vec(3), 0, run.scores.buffer as ArrayBuffer, run.scores.byteOffset + from * 8, m * 8);
        duckdb.data_chunk_set_size(chunk.chunk, m);
        appender.appendDataChunk(chunk);
        if ((from / CHUNK) % 64 === 0) onProgress?.(from + m);
      }
      appender.flushSync();
      appender.closeSync();
      await conn.run(
        `INSERT INTO rz_score_run VALUES ($id, now()::TIMESTAMP, $features, $query, from_json($columns, '["VARCHAR"]'), $keyed, $trees, $samples, $seed, $rows, $mean, $sd, $min, $max, $cutoff, $value, $elapsed, from_base64($model))`,
        {
          id,
          features: run.features,
          query: run.query,
          columns: JSON.stringify(run.featureColumns),
          keyed: run.keyedByPlaylog,
          trees: run.trees,
          samples: run.samples,
          seed: run.seed,
          rows: n,
          mean: s.mean,
          sd: s.sd,
          min: s.min,
          max: s.max,
          cutoff: formatCutoff(run.cutoff),
          value: Number.isFinite(value) ? value : s.min, // top-N beyond the row count flags every row
          elapsed: run.elapsedMs,
          model: Buffer.from(run.model.buffer, run.model.byteOffset, run.model.byteLength).toString('base64'),
        },
      );
      await conn.run('COMMIT');
      onProgress?.(n);
      return id;
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => {});
      throw e;
    }
  } finally {
    conn.closeSync();
  }
}

import { BIGINT, DOUBLE, DuckDBDataChunk, INTEGER, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../shared/api/envelope.ts';
import type { Cutoff, ScoringRun } from '../../shared/api/scoring.ts';
import { formatCutoff, parseCutoff } from '../../shared/cutoff.ts';
import { ExactMoments } from './moments.ts';
import { copyIntoColumn, nullColumn, setChunkRows } from '../workspace/chunkWriter.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { blobBytes, blobParam, inTransaction, withConnection } from '../workspace/db.ts';

/** What a finished scoring pass stores beside its scores: the run's parameters and its model. */
export interface RunMeta extends Pick<ScoringRun, 'features' | 'query' | 'featureColumns' | 'keyedByPlaylog' | 'trees' | 'samples' | 'seed' | 'elapsedMs'> {
  cutoff: Cutoff;
  model: Uint8Array;
}

const RUN_COLUMNS = `run_id, created_at, features, query, feature_columns, keyed_by_playlog, trees, samples, seed, rows, mean, sd, min, max, cutoff, cutoff_value, elapsed_ms, octet_length(model) AS model_bytes`;

/**
 * Scores at or above this are flagged, counted in SQL so a re-cut never reads the scores into JS.
 * A run's scores change only by live rows (counted in rz_live_score), so the count is stored per run
 * with the cut-off and live row count it was taken at (rz_run_flagged): at lab scale it is a 300 ms
 * scan of 40M scores, which every CLI command naming the run, each a new process, paid again.
 */
async function flaggedRows(db: DuckDBConnection, runId: number, value: number): Promise<number> {
  const [live, cut, liveAt, stored] = (
    await db.runAndReadAll(
      `SELECT coalesce((SELECT max(live_rows) FROM rz_live_score WHERE run_id = $1), 0), f.cut, f.live_rows, f.n
       FROM (SELECT 1) LEFT JOIN rz_run_flagged f ON f.run_id = $1`,
      [runId],
    )
  ).getRows()[0];
  if (cut === value && liveAt === live) return Number(stored);
  const n = Number((await db.runAndReadAll('SELECT count(*) FROM rz_score WHERE run_id = $1 AND score >= $2', [runId, value])).getRows()[0][0]);
  try {
    await db.run('INSERT OR REPLACE INTO rz_run_flagged VALUES ($1, $2, $3, $4)', [runId, value, live, n]);
  } catch {
    // Only a shortcut: a connection that cannot write (read-only, a conflicting writer) still has its count.
  }
  return n;
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

/** The score a cut-off rule means for a stored run: σ from its statistics, top-N from its scores. */
export function cutoffValue(ws: Workspace, run: ScoringRun, rule: Cutoff): Promise<number> {
  return cutoffOn(ws.db, run, rule);
}

/** cutoffValue on a given connection: a run being written sees its own uncommitted scores. */
async function cutoffOn(db: DuckDBConnection, run: Pick<ScoringRun, 'id' | 'mean' | 'sd' | 'min' | 'rows'>, rule: Cutoff): Promise<number> {
  if (rule.kind === 'sigma') return run.mean + rule.k * run.sd;
  if (rule.kind === 'fixed') return rule.score;
  if (rule.n < 1 || rule.n >= run.rows) return run.min; // top-N beyond the row count flags every row
  const r = await db.runAndReadAll('SELECT score FROM rz_score WHERE run_id = $1 ORDER BY score DESC LIMIT 1 OFFSET $2', [run.id, rule.n - 1]);
  return Number(r.getRows()[0][0]);
}

/** Stores a new cut-off for a run (scores untouched) and returns the run as it now reads. */
export async function recut(ws: Workspace, id: number, text: string): Promise<ScoringRun> {
  const run = await getRun(ws, id);
  const rule = parseCutoff(text);
  const value = await cutoffValue(ws, run, rule);
  await ws.db.run('UPDATE rz_score_run SET cutoff = $1, cutoff_value = $2 WHERE run_id = $3', [formatCutoff(rule), value, id]);
  return getRun(ws, id);
}

export async function deleteRun(ws: Workspace, id: number): Promise<boolean> {
  return withConnection(ws, (conn) =>
    inTransaction(conn, async () => {
      await conn.run('DELETE FROM rz_score WHERE run_id = $1', [id]);
      await conn.run('DELETE FROM rz_live_score WHERE run_id = $1', [id]);
      await conn.run('DELETE FROM rz_run_flagged WHERE run_id = $1', [id]);
      const r = await conn.run('DELETE FROM rz_score_run WHERE run_id = $1', [id]);
      return r.rowsChanged > 0;
    }),
  );
}

/** The run's serialized forest, for attribution after the fact. */
export async function runModel(ws: Workspace, id: number): Promise<Uint8Array> {
  const r = (await ws.db.runAndReadAll('SELECT model FROM rz_score_run WHERE run_id = $1', [id])).getRows();
  if (r.length === 0) throw new ApiError('NOT_FOUND', `no scoring run ${id} in this workspace`);
  return blobBytes(r[0][0]);
}

const CHUNK = 2048;

/**
 * Writes a run: its scores appended batch by batch as they are computed, then the run row, all in one
 * transaction on a connection of its own, so a run cancelled, failed or killed midway leaves no trace.
 * Statistics are summed exactly as the scores are appended (moments.ts), so they and the cut-off do not
 * depend on the order the rows were scored in.
 */
export class RunWriter {
  private readonly moments = new ExactMoments();
  private readonly chunk = DuckDBDataChunk.create([INTEGER, BIGINT, INTEGER, DOUBLE], CHUNK);
  private readonly runIds: Int32Array;
  private readonly noPidx = new Int32Array(CHUNK);

  private constructor(
    private conn: DuckDBConnection,
    private appender: DuckDBAppender,
    readonly id: number,
  ) {
    this.runIds = new Int32Array(CHUNK).fill(id);
  }

  static async begin(ws: Workspace): Promise<RunWriter> {
    const conn = await ws.connect();
    try {
      const id = Number((await conn.runAndReadAll("SELECT nextval('rz_score_run_seq')")).getRows()[0][0]);
      await conn.run('BEGIN TRANSACTION');
      return new RunWriter(conn, await conn.createAppender('rz_score'), id);
    } catch (e) {
      conn.closeSync();
      throw e;
    }
  }

  /** Appends scores with their row keys and players (null: the features carry no player; pidx stays NULL). */
  append(rowIds: BigInt64Array, pidx: Int32Array | null, scores: Float64Array): void {
    this.moments.add(scores);
    const n = scores.length;
    const { chunk } = this;
    for (let from = 0; from < n; from += CHUNK) {
      const m = Math.min(CHUNK, n - from);
      chunk.reset();
      copyIntoColumn(chunk, 0, this.runIds, 0, m);
      copyIntoColumn(chunk, 1, rowIds, from, m);
      if (pidx) copyIntoColumn(chunk, 2, pidx, from, m);
      else {
        copyIntoColumn(chunk, 2, this.noPidx, 0, m);
        nullColumn(chunk, 2, m); // no player column: every pidx is NULL
      }
      copyIntoColumn(chunk, 3, scores, from, m);
      setChunkRows(chunk, m);
      this.appender.appendDataChunk(chunk);
    }
  }

  get appended(): number {
    return this.moments.count;
  }

  /** Stores the run row and commits; returns the run id. */
  async finish(run: RunMeta): Promise<number> {
    const { conn, id } = this;
    try {
      this.appender.flushSync();
      this.appender.closeSync();
      const { count, mean, sd, min, max } = this.moments.result();
      const value = await cutoffOn(conn, { id, mean, sd, min, rows: count }, run.cutoff);
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
          rows: count,
          mean,
          sd,
          min,
          max,
          cutoff: formatCutoff(run.cutoff),
          value,
          elapsed: run.elapsedMs,
          model: blobParam(run.model),
        },
      );
      await conn.run('COMMIT');
      return id;
    } catch (e) {
      await this.abort();
      throw e;
    } finally {
      conn.closeSync();
    }
  }

  /** Rolls everything back (safe to call twice, or after finish failed). */
  async abort(): Promise<void> {
    try {
      this.appender.closeSync();
    } catch {
      // already closed, or broken by the failure that brought us here
    }
    await this.conn.run('ROLLBACK').catch(() => {});
    this.conn.closeSync();
  }
}

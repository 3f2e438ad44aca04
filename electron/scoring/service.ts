import { ApiError } from '../../shared/api/envelope.ts';
import type { DuckDBResult } from '@duckdb/node-api';
import { DEFAULT_CUTOFF, type ScoreRequest, type ScoringRun } from '../../shared/api/scoring.ts';
import type { JobInfo } from '../../shared/api/jobs.ts';
import type { EventBus } from '../jobs/events.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { checkPoints, drawSamples, RcfInputError, resolveForestParams, RowMemo, type ForestParams } from '../rcf/index.ts';
import { fixedBatches, type FixedBatch } from '../workspace/batches.ts';
import { quoteIdent } from '../workspace/sqlText.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { featureSet, querySource, type FeatureSource } from './features.ts';
import type { ForestSession } from './pool.ts';
import { parseCutoff } from '../../shared/cutoff.ts';
import { getRun, RunWriter } from './runs.ts';

/** The part of the RCF worker pool the service uses: train a forest, then score chunks with it, off the main thread. */
export interface ForestScorer {
  openForest(
    samples: Float64Array,
    dims: number,
    params: Required<ForestParams>,
    opts: { signal?: AbortSignal; columns?: readonly string[] },
  ): Promise<ForestSession>;
}

/** What live scoring uses: score rows with a run's saved forest (`model`), off the main thread. */
export interface BatchScorer {
  scoreBatch(
    points: Float64Array,
    dims: number,
    params: ForestParams,
    opts: {
      signal?: AbortSignal;
      onProgress?: (done: number, total: number) => void;
      columns?: readonly string[];
      model?: Uint8Array;
      attribution?: boolean;
    },
  ): Promise<{ scores: Float64Array; model: Uint8Array; attribution?: Float64Array }>;
}

export interface ScoreProgress {
  done: number;
  total: number;
  unit: string;
  message: string;
}

/** A ForestScorer that holds threads until closed (the worker pool). */
export interface ScorerHandle extends ForestScorer {
  close(): void | Promise<void>;
}

/** The worker pool as the service holds it: runs train and score with sessions, live scoring with saved forests. */
export type PoolScorer = ScorerHandle & BatchScorer;

/** A stage run after the row scoring, in the same job (the player profiles and forest, investigate/playerForest.ts). */
export type AfterRun = (scorer: BatchScorer, run: ScoringRun, signal: AbortSignal, progress: (p: ScoreProgress) => void) => Promise<void>;

/**
 * Scoring as jobs: one run at a time per workspace (a second start waits its turn), the worker pool
 * started on first use and closed with the workspace.
 */
export class ScoringService {
  private scorer: PoolScorer | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private ws: Workspace,
    private jobs: JobRunner,
    private events: EventBus,
    private makeScorer: () => PoolScorer,
    private afterRun?: AfterRun,
  ) {}

  start(req: ScoreRequest): JobInfo<ScoringRun> {
    const what = req.query !== undefined ? 'query' : (req.features ?? 'points');
    return this.jobs.start('scoring', `Score ${what} (${req.trees ?? DEFAULTS.trees} × ${req.samples ?? DEFAULTS.samples})`, async (ctx) => {
      const turn = this.queue.then(async () => {
        const scorer = (this.scorer ??= this.makeScorer());
        const run = await scoreRun(this.ws, scorer, req, ctx.signal, (p) => ctx.progress(p));
        if (this.afterRun) {
          ctx.progress({ done: 0, total: 0, unit: 'players', message: 'profiling players' });
          await this.afterRun(scorer, run, ctx.signal, (p) => ctx.progress(p));
        }
        return run;
      });
      this.queue = turn.catch(() => {});
      const run = await turn;
      this.events.emit('workspace.changed', { reason: 'scoring.run' });
      return run;
    });
  }

  /** Runs `work` with the worker pool in turn with the scoring runs (live scoring of new rows uses it). */
  withScorer<T>(work: (scorer: PoolScorer) => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => work((this.scorer ??= this.makeScorer())));
    this.queue = turn.catch(() => {});
    return turn;
  }

  async close(): Promise<void> {
    const scorer = this.scorer;
    this.scorer = null;
    await scorer?.close();
  }
}

/** Lab defaults where the request says nothing: SageMaker's 100 trees × 256 samples, seed 0. */
const DEFAULTS = { trees: 100, samples: 256, seed: 0 };

/** Rows read and scored per batch: a few of these plus the forest and the distinct-row memo is all a run holds. */
const BATCH_ROWS = 1 << 18;
/** Batches read ahead of the one being written, so reading, scoring and writing overlap. */
const AHEAD = 3;
/** The distinct-row memo starts afresh past this size (duplicates after that are scored again, same result). */
const MEMO_BYTES = 256 * 2 ** 20;

/**
 * Turns a query's numeric columns into a stored scoring run in bounded memory: one pass picks the sample
 * pool in an order derived from the data (so the same files and seed give the same forest in any
 * workspace), the forest is trained in the pool, then the rows stream through in batches, each distinct
 * row scored once, straight into the run's transaction.
 */
export async function scoreRun(
  ws: Workspace,
  scorer: ForestScorer,
  req: ScoreRequest,
  signal: AbortSignal,
  progress: (p: ScoreProgress) => void,
  opts: { batchRows?: number } = {},
): Promise<ScoringRun> {
  const started = Date.now();
  const rule = req.cutoff === undefined ? DEFAULT_CUTOFF : parseCutoff(req.cutoff);
  let params: Required<ForestParams>;
  try {
    params = resolveForestParams({ numTrees: req.trees ?? DEFAULTS.trees, samplesPerTree: req.samples ?? DEFAULTS.samples, seed: req.seed ?? DEFAULTS.seed });
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
  const source = await resolveSource(ws, req);
  const dims = source.featureColumns.length;
  progress({ done: 0, total: 0, unit: 'rows', message: `sampling ${source.featureColumns.join(', ')}` });
  const pool = await readSample(ws, source, params, signal);
  if (pool.length === 0)
    throw new ApiError(
      'BAD_REQUEST',
      source.keyedByPlaylog ? 'there are no play-log rows to score: import or load the demo data set first' : 'the feature query returned no rows',
    );
  const session = await guard(signal, () => scorer.openForest(drawSamples(pool, dims, params), dims, params, { signal, columns: source.featureColumns }));
  let writer: RunWriter | null = null;
  try {
    writer = await RunWriter.begin(ws);
    await scoreInto(ws, source, session, writer, signal, progress, opts.batchRows ?? BATCH_ROWS);
    if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
    progress({ done: writer.appended, total: writer.appended, unit: 'rows', message: 'saving scores' });
    const id = await writer.finish({
      features: source.name,
      query: source.query,
      featureColumns: source.featureColumns,
      keyedByPlaylog: source.keyedByPlaylog,
      trees: params.numTrees,
      samples: params.samplesPerTree,
      seed: params.seed,
      cutoff: rule,
      elapsedMs: Date.now() - started,
      model: session.model,
    });
    writer = null;
    return await getRun(ws, id);
  } finally {
    session.close();
    await writer?.abort();
  }
}

/** Maps scorer failures to API errors: cancellation, bad input (a NaN, say), everything else as is. */
async function guard<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
    if (e instanceof RcfInputError) throw new ApiError('BAD_REQUEST', e.message);
    throw e;
  }
}

/** Runs a query on a connection of its own, interrupted on cancel. */
async function withQuery<T>(ws: Workspace, sql: string, signal: AbortSignal, body: (result: DuckDBResult) => Promise<T>): Promise<T> {
  const conn = await ws.connect();
  const stop = () => conn.interrupt();
  signal.addEventListener('abort', stop);
  try {
    let result: DuckDBResult;
    try {
      result = await conn.stream(sql);
    } catch (e) {
      if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
      throw new ApiError('SQL_ERROR', (e as Error).message);
    }
    return await body(result);
  } catch (e) {
    if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
    if (e instanceof ApiError || e instanceof RcfInputError) throw e;
    throw new ApiError('SQL_ERROR', (e as Error).message);
  } finally {
    signal.removeEventListener('abort', stop);
    conn.closeSync();
  }
}

/**
 * The forest's sample pool, row-major: with n rows, the min(n, trees × samples) rows first in the
 * source's data-derived order. Each tree then draws its samples from the pool (drawSamples, seeded):
 * uniform over the rows, and the very rows the in-memory scorer drew when the pool is all of them.
 */
async function readSample(ws: Workspace, source: FeatureSource, params: Required<ForestParams>, signal: AbortSignal): Promise<Float64Array> {
  const limit = params.numTrees * params.samplesPerTree;
  return withQuery(ws, source.sample(params.seed, limit), signal, async (result) => {
    const dims = source.featureColumns.length;
    const parts: Float64Array[] = [];
    for await (const batch of fixedBatches(result, BATCH_ROWS)) parts.push(interleave(batch, 0, source));
    const points = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      points.set(p, at);
      at += p.length;
    }
    return points.subarray(0, Math.floor(points.length / dims) * dims);
  });
}

interface Pending {
  rowIds: BigInt64Array;
  pidx: Int32Array | null;
  ids: Int32Array;
  memo: Memo;
  scored: Promise<void>;
}

/** Distinct rows seen so far and their scores (filled in as the pool returns them). */
interface Memo {
  rows: RowMemo;
  scores: Float64Array;
}

/** Streams the source in batches through the forest into the writer, each distinct row scored once. */
async function scoreInto(
  ws: Workspace,
  source: FeatureSource,
  session: ForestSession,
  writer: RunWriter,
  signal: AbortSignal,
  progress: (p: ScoreProgress) => void,
  batchRows: number,
): Promise<void> {
  const dims = source.featureColumns.length;
  const keyOffset = source.hasPidx ? 2 : 1;
  const total = await countRows(ws, source, signal);
  const cast = [
    `row_id::BIGINT AS row_id`,
    ...(source.hasPidx ? ['pidx::INTEGER AS pidx'] : []),
    ...source.featureColumns.map((c) => `${quoteIdent(c)}::DOUBLE`),
  ];
  const newMemo = (): Memo => ({ rows: new RowMemo(dims, 1 << 16), scores: new Float64Array(1 << 16) });
  let memo = newMemo();
  const pending: Pending[] = [];
  let read = 0;
  const write = async (p: Pending) => {
    await guard(signal, () => p.scored);
    const scores = new Float64Array(p.ids.length);
    for (let i = 0; i < scores.length; i++) scores[i] = p.memo.scores[p.ids[i]];
    writer.append(p.rowIds, p.pidx, scores);
    progress({ done: writer.appended, total, unit: 'rows', message: 'scoring' });
  };
  progress({ done: 0, total, unit: 'rows', message: `scoring ${total.toLocaleString('en-US')} rows` });
  await withQuery(ws, `SELECT ${cast.join(', ')} FROM (${source.select}) AS q`, signal, async (result) => {
    for await (const batch of fixedBatches(result, batchRows)) {
      if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
      const points = interleave(batch, keyOffset, source);
      checkPointsOrFail(points, dims, source.featureColumns);
      if (memo.rows.bytes > MEMO_BYTES) memo = newMemo();
      const m = memo;
      const before = m.rows.count;
      const ids = new Int32Array(batch.rowCount);
      m.rows.add(points, ids);
      if (m.rows.count > m.scores.length) {
        const grown = new Float64Array(Math.max(m.rows.count, 2 * m.scores.length));
        grown.set(m.scores);
        m.scores = grown;
      }
      const fresh = m.rows.count - before;
      // The memo's array may have grown by the time the scores arrive: write into whichever it holds then.
      const scored =
        fresh === 0
          ? Promise.resolve()
          : session.score(m.rows.rows(before, m.rows.count)).then((s) => {
              if (s.length !== fresh) throw new ApiError('INTERNAL', `the scorer returned ${s.length} scores for ${fresh} rows`);
              m.scores.set(s, before);
            });
      scored.catch(() => {}); // awaited in order by write(); a failure is reported there
      pending.push({ rowIds: batch.columns[0] as BigInt64Array, pidx: source.hasPidx ? (batch.columns[1] as Int32Array) : null, ids, memo: m, scored });
      read += batch.rowCount;
      if (pending.length > AHEAD) await write(pending.shift()!);
    }
  });
  while (pending.length) await write(pending.shift()!);
  if (read === 0) throw new ApiError('BAD_REQUEST', 'there are no rows to score');
}

function resolveSource(ws: Workspace, req: ScoreRequest): Promise<FeatureSource> | FeatureSource {
  if (req.query !== undefined && req.features !== undefined) throw new ApiError('BAD_REQUEST', 'give either a feature set or a query, not both');
  if (req.query !== undefined) return querySource(ws, req.query);
  return featureSet(req.features ?? 'points');
}

/** Rows the run will score, for progress. */
async function countRows(ws: Workspace, source: FeatureSource, signal: AbortSignal): Promise<number> {
  return withQuery(ws, `SELECT count(*)::DOUBLE FROM (${source.select}) AS q`, signal, async (result) => {
    const batch = await fixedBatches(result, 1).next();
    return batch.done ? 0 : Number(batch.value.columns[0][0]);
  });
}

/** Row-major points from a batch's feature columns; a NULL feature is refused by name rather than scored as garbage. */
function interleave(batch: FixedBatch, first: number, source: FeatureSource): Float64Array {
  const dims = source.featureColumns.length;
  const n = batch.rowCount;
  const points = new Float64Array(n * dims);
  for (let j = 0; j < dims; j++) {
    const nulls = batch.nulls[first + j];
    if (nulls > 0) throw new ApiError('BAD_REQUEST', `feature column "${source.featureColumns[j]}" has NULL values; coalesce or filter them in the query`);
    const values = batch.columns[first + j] as Float64Array;
    for (let i = 0; i < n; i++) points[i * dims + j] = values[i];
  }
  return points;
}

function checkPointsOrFail(points: Float64Array, dims: number, columns: readonly string[]): void {
  try {
    checkPoints(points, dims, columns);
  } catch (e) {
    if (e instanceof RcfInputError) throw new ApiError('BAD_REQUEST', e.message);
    throw e;
  }
}

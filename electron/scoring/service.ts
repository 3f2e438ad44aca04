import { ApiError } from '../../shared/api/envelope.ts';
import type { ColumnBatch } from '../../shared/api/columns.ts';
import { numberValues } from '../../shared/api/columns.ts';
import { DEFAULT_CUTOFF, type ScoreRequest, type ScoringRun } from '../../shared/api/scoring.ts';
import type { JobInfo } from '../../shared/api/jobs.ts';
import type { EventBus } from '../jobs/events.ts';
import type { JobRunner } from '../jobs/runner.ts';
import { RcfInputError, resolveForestParams, type ForestParams } from '../rcf/index.ts';
import { readColumns } from '../workspace/columns.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { featureSet, querySource, type FeatureSource } from './features.ts';
import { getRun, parseCutoffOrFail, writeRun } from './runs.ts';

/** The part of the RCF worker pool the service uses: train on a batch and score it, off the main thread. */
export interface BatchScorer {
  scoreBatch(
    points: Float64Array,
    dims: number,
    params: ForestParams,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; columns?: readonly string[]; attribution?: boolean },
  ): Promise<{ scores: Float64Array; model: Uint8Array; attribution?: Float64Array }>;
}

export interface ScoreProgress {
  done: number;
  total: number;
  unit: string;
  message: string;
}

/** A BatchScorer that holds threads until closed (the worker pool). */
export interface ScorerHandle extends BatchScorer {
  close(): void | Promise<void>;
}

/** A stage run after the row scoring, in the same job (the player profiles and forest, investigate/playerForest.ts). */
export type AfterRun = (scorer: BatchScorer, run: ScoringRun, signal: AbortSignal, progress: (p: ScoreProgress) => void) => Promise<void>;

/**
 * Scoring as jobs: one run at a time per workspace (a second start waits its turn), the worker pool
 * started on first use and closed with the workspace.
 */
export class ScoringService {
  private scorer: ScorerHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private ws: Workspace,
    private jobs: JobRunner,
    private events: EventBus,
    private makeScorer: () => ScorerHandle,
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

  async close(): Promise<void> {
    const scorer = this.scorer;
    this.scorer = null;
    await scorer?.close();
  }
}

/** Lab defaults where the request says nothing: SageMaker's 100 trees × 256 samples, seed 0. */
const DEFAULTS = { trees: 100, samples: 256, seed: 0 };

/**
 * Turns a query's numeric columns into a stored scoring run: read (typed columns, never row objects),
 * train and score in the worker pool, write run and scores in one transaction.
 */
export async function scoreRun(
  ws: Workspace,
  scorer: BatchScorer,
  req: ScoreRequest,
  signal: AbortSignal,
  progress: (p: ScoreProgress) => void,
): Promise<ScoringRun> {
  const started = Date.now();
  const rule = req.cutoff === undefined ? DEFAULT_CUTOFF : parseCutoffOrFail(req.cutoff);
  let params: Required<ForestParams>;
  try {
    params = resolveForestParams({ numTrees: req.trees ?? DEFAULTS.trees, samplesPerTree: req.samples ?? DEFAULTS.samples, seed: req.seed ?? DEFAULTS.seed });
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
  const source = await resolveSource(ws, req);
  progress({ done: 0, total: 0, unit: 'rows', message: `reading ${source.featureColumns.join(', ')}` });
  const batch = await readSource(ws, source, signal);
  const n = batch.rowCount;
  if (n === 0) throw new ApiError('BAD_REQUEST', source.keyedByPlaylog ? 'there are no play-log rows to score: import or load the demo data set first' : 'the feature query returned no rows');
  const points = interleave(batch, source);
  const keyOffset = source.hasPidx ? 2 : 1;
  const rowIds = numberValues(batch.columns[0]);
  const pidx = source.hasPidx ? numberValues(batch.columns[1]) : null;
  batch.columns.splice(keyOffset); // the feature columns live on in `points` only
  progress({ done: 0, total: n, unit: 'rows', message: `scoring ${n.toLocaleString('en-US')} rows with ${params.numTrees} trees × ${params.samplesPerTree} samples` });
  let scored;
  try {
    scored = await scorer.scoreBatch(points, source.featureColumns.length, params, {
      signal,
      columns: source.featureColumns,
      onProgress: (done, total) => progress({ done, total, unit: 'rows', message: 'scoring' }),
    });
  } catch (e) {
    if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
    if (e instanceof RcfInputError) throw new ApiError('BAD_REQUEST', e.message);
    throw e;
  }
  if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
  if (scored.scores.length !== n) throw new ApiError('INTERNAL', `the scorer returned ${scored.scores.length} scores for ${n} rows`);
  progress({ done: 0, total: n, unit: 'rows', message: 'saving scores' });
  const id = await writeRun(
    ws,
    {
      features: source.name,
      query: source.query,
      featureColumns: source.featureColumns,
      keyedByPlaylog: source.keyedByPlaylog,
      trees: params.numTrees,
      samples: params.samplesPerTree,
      seed: params.seed,
      cutoff: rule,
      elapsedMs: Date.now() - started,
      model: scored.model,
      rowIds,
      pidx,
      scores: scored.scores,
    },
    signal,
    (done) => progress({ done, total: n, unit: 'rows', message: 'saving scores' }),
  );
  return getRun(ws, id);
}

function resolveSource(ws: Workspace, req: ScoreRequest): Promise<FeatureSource> | FeatureSource {
  if (req.query !== undefined && req.features !== undefined) throw new ApiError('BAD_REQUEST', 'give either a feature set or a query, not both');
  if (req.query !== undefined) return querySource(ws, req.query);
  return featureSet(req.features ?? 'points');
}

/** Reads the source's key and feature columns on a connection of its own, interrupted on cancel. */
async function readSource(ws: Workspace, source: FeatureSource, signal: AbortSignal): Promise<ColumnBatch> {
  const conn = await ws.connect();
  const stop = () => conn.interrupt();
  signal.addEventListener('abort', stop);
  try {
    return await readColumns(await conn.stream(source.select));
  } catch (e) {
    if (signal.aborted) throw new ApiError('CANCELLED', 'scoring cancelled');
    throw new ApiError('SQL_ERROR', (e as Error).message);
  } finally {
    signal.removeEventListener('abort', stop);
    conn.closeSync();
  }
}

/** Row-major points from the feature columns; a NULL feature is refused by name rather than scored as garbage. */
function interleave(batch: ColumnBatch, source: FeatureSource): Float64Array {
  const first = source.hasPidx ? 2 : 1;
  const dims = source.featureColumns.length;
  const n = batch.rowCount;
  const points = new Float64Array(n * dims);
  for (let j = 0; j < dims; j++) {
    const column = batch.columns[first + j];
    const nulls = column.nulls?.reduce((a, b) => a + b, 0) ?? 0;
    if (nulls > 0) throw new ApiError('BAD_REQUEST', `feature column "${column.name}" has ${nulls} NULL value${nulls === 1 ? '' : 's'}; coalesce or filter them in the query`);
    const values = numberValues(column);
    for (let i = 0; i < n; i++) points[i * dims + j] = values[i];
  }
  return points;
}

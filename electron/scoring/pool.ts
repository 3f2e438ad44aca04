import { availableParallelism } from 'node:os';
import {
  scatter,
  RcfInputError,
  drawSamples,
  resolveForestParams,
  type ForestParams,
  forestHeader,
  resolveStreamingParams,
  type StreamingParams,
  checkPoints,
} from '../rcf/index.ts';
import { createWorkerPool, type PoolJob, type TaskOf } from '../util/workerPool.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

export interface JobOptions {
  signal?: AbortSignal;
  /** Rows done so far and in all; called as chunks finish. */
  onProgress?: (done: number, total: number) => void;
  /** Column names, for error messages about bad values. */
  columns?: readonly string[];
}

export interface BatchOptions extends JobOptions {
  /** Also return per-dimension attribution: n × 2·dims values, (high, low) per dimension. */
  attribution?: boolean;
  /** Score with this serialised forest instead of training one on `points`. */
  model?: Uint8Array;
}

export interface BatchResult {
  scores: Float64Array;
  attribution?: Float64Array;
  /** The serialised forest (the one given, or the one trained), for the caller to store. */
  model: Uint8Array;
}

/** A trained forest held by the pool's workers: score rows with it chunk by chunk, then close. */
export interface ForestSession {
  /** The serialised forest, for the caller to store. */
  model: Uint8Array;
  /** Scores of the rows (no de-duplication here: the caller knows what it has already scored). */
  score(points: Float64Array): Promise<Float64Array>;
  /** Frees the workers' copies of the forest; pending scores reject. */
  close(): void;
}

export interface ScoringPool {
  readonly size: number;
  /** Trains a forest on `points` (or loads `opts.model`) and scores every row, each distinct row once. */
  scoreBatch(points: Float64Array, dims: number, params: ForestParams, opts?: BatchOptions): Promise<BatchResult>;
  /**
   * Trains a forest on `samples` (numTrees blocks, as drawSamples lays them out) in a worker, then keeps it
   * loaded for chunk after chunk until the session is closed: the scorer streams rows without holding them all.
   */
  openForest(samples: Float64Array, dims: number, params: ForestParams, opts?: JobOptions): Promise<ForestSession>;
  /** Streaming score-then-update over rows in order; trees are split across the workers. */
  scoreStream(rows: Float64Array, dims: number, params: StreamingParams, opts?: JobOptions): Promise<{ scores: Float64Array }>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Workers; default cores − 1, at least 1. */
  size?: number;
  /** Worker entry; this folder's scoreWorker.ts (source) or scoreWorker.js (built app). Tests swap it. */
  entry?: URL;
}

const defaultEntry = () => (import.meta.url.endsWith('.ts') ? new URL('./scoreWorker.ts', import.meta.url) : new URL('./scoreWorker.js', import.meta.url));

type Job = PoolJob<ToWorker, FromWorker>;
type Run = Job['run'];

/** Rows per scoring chunk: enough for Z-ordering and per-message costs to pay off, small enough to balance. */
const CHUNK_MIN = 65536;
const CHUNK_MAX = 262144;
/** A session's chunk is split across workers only when each piece keeps at least this many rows. */
const SESSION_PIECE_MIN = 16384;

export function createScoringPool(opts: PoolOptions = {}): ScoringPool {
  const size = Math.max(1, opts.size ?? availableParallelism() - 1);
  const pool = createWorkerPool<ToWorker, FromWorker>({
    size,
    entry: opts.entry ?? defaultEntry(),
    name: 'scoring',
    failure: (reply) => (reply.name === 'RcfInputError' ? new RcfInputError(reply.message) : new Error(`scoring worker: ${reply.stack ?? reply.message}`)),
    cancelled: (signal) => signal.reason ?? new DOMException('The scoring run was cancelled', 'AbortError'),
    unload: (job) => ({ type: 'unload', job }),
  });
  /** From here a job's score tasks find its model loaded in whichever worker runs them. */
  const useModel = (job: Job, model: Uint8Array) => (job.setup = { type: 'load', job: job.id, model });

  async function scoreBatch(points: Float64Array, dims: number, params: ForestParams, o: BatchOptions = {}): Promise<BatchResult> {
    const n = checkPoints(points, dims, o.columns);
    const resolved = resolveForestParams(params);
    if (o.model) {
      // The header is enough to refuse a mismatch here; the worker reads the trees.
      const forest = forestHeader(o.model);
      if (forest.dims !== dims) throw new RcfInputError(`the model was trained on ${forest.dims} columns, not ${dims}`);
    }
    return pool.run(o.signal, async (job) => {
      // Training and finding the distinct rows run in two workers at once; the calling thread only copies.
      const model = o.model ? Promise.resolve(o.model) : train(job.run, drawSamples(points, dims, resolved), dims, resolved);
      const deduped = job.run(() => ({ type: 'dedupe', task: 0, points: points.slice(), dims }));
      const [trained, distinct] = await Promise.all([model, deduped]);
      if (distinct.type !== 'deduped') throw new Error(`unexpected ${distinct.type} reply`);
      const { unique, count, rowToUnique } = distinct;
      useModel(job, trained);
      const width = 2 * dims;
      const uniqueScores = new Float64Array(count);
      const uniqueAttr = o.attribution ? new Float64Array(count * width) : undefined;
      const chunk = Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, Math.ceil(count / (4 * size))));
      let done = 0;
      o.onProgress?.(0, n);
      const chunks: Promise<void>[] = [];
      for (let from = 0; from < count; from += chunk) {
        const to = Math.min(count, from + chunk);
        const make = (): TaskOf<ToWorker> => ({
          type: 'score',
          task: 0,
          job: job.id,
          points: unique.slice(from * dims, to * dims),
          attribution: !!o.attribution,
        });
        chunks.push(
          job.run(make).then((msg) => {
            if (msg.type !== 'scored') throw new Error(`unexpected ${msg.type} reply`);
            uniqueScores.set(msg.scores, from);
            if (uniqueAttr && msg.attribution) uniqueAttr.set(msg.attribution, from * width);
            done += to - from;
            o.onProgress?.(Math.round((done / count) * n), n);
          }),
        );
      }
      await Promise.all(chunks);
      return {
        scores: scatter(uniqueScores, rowToUnique),
        attribution: uniqueAttr && scatter(uniqueAttr, rowToUnique, width),
        model: trained,
      };
    });
  }

  async function openForest(samples: Float64Array, dims: number, params: ForestParams, o: JobOptions = {}): Promise<ForestSession> {
    const resolved = resolveForestParams(params);
    checkPoints(samples, dims, o.columns);
    const job = pool.begin(o.signal);
    let model: Uint8Array;
    try {
      model = await Promise.race([train(job.run, samples, dims, resolved), job.failure]);
    } catch (e) {
      job.end();
      throw e;
    }
    useModel(job, model);
    const scoreOne = async (points: Float64Array): Promise<Float64Array> => {
      const msg = await Promise.race([job.run(() => ({ type: 'score', task: 0, job: job.id, points: points.slice(), attribution: false })), job.failure]);
      if (msg.type !== 'scored') throw new Error(`unexpected ${msg.type} reply`);
      return msg.scores;
    };
    return {
      model,
      async score(points) {
        const n = checkPoints(points, dims, o.columns);
        // Split so every worker gets a piece, each big enough for Z-ordering to pay off.
        const pieces = Math.max(1, Math.min(size, Math.floor(n / SESSION_PIECE_MIN)));
        if (pieces === 1) return scoreOne(points);
        const out = new Float64Array(n);
        await Promise.all(
          Array.from({ length: pieces }, async (_, k) => {
            const from = Math.floor((k * n) / pieces);
            const to = Math.floor(((k + 1) * n) / pieces);
            out.set(await scoreOne(points.subarray(from * dims, to * dims)), from);
          }),
        );
        return out;
      },
      close() {
        job.fail(new Error('the forest session was closed')); // stops chunks still queued or running
        job.end();
      },
    };
  }

  async function scoreStream(rows: Float64Array, dims: number, params: StreamingParams, o: JobOptions = {}): Promise<{ scores: Float64Array }> {
    const n = checkPoints(rows, dims, o.columns);
    const resolved = resolveStreamingParams(params);
    return pool.run(o.signal, async (job) => {
      // Trees are independent: each worker runs a slice of them over the whole series and returns sums.
      const parts = Math.min(size, resolved.numTrees);
      const scores = new Float64Array(n);
      let done = 0;
      o.onProgress?.(0, n);
      await Promise.all(
        Array.from({ length: parts }, (_, k) => {
          const trees = { from: Math.floor((k * resolved.numTrees) / parts), to: Math.floor(((k + 1) * resolved.numTrees) / parts) };
          return job
            .run(() => ({ type: 'stream', task: 0, rows: rows.slice(), dims, params: resolved, trees }))
            .then((msg) => {
              if (msg.type !== 'streamed') throw new Error(`unexpected ${msg.type} reply`);
              for (let i = 0; i < n; i++) scores[i] += msg.sums[i];
              o.onProgress?.(Math.round((++done / parts) * n), n);
            });
        }),
      );
      for (let i = 0; i < n; i++) scores[i] /= resolved.numTrees;
      return { scores };
    });
  }

  return {
    size,
    scoreBatch,
    openForest,
    scoreStream,
    close: () => pool.close(),
  };
}

async function train(run: Run, samples: Float64Array, dims: number, params: Required<ForestParams>): Promise<Uint8Array> {
  const msg = await run(() => ({ type: 'train', task: 0, samples: samples.slice(), dims, params }));
  if (msg.type !== 'trained') throw new Error(`unexpected ${msg.type} reply`);
  return msg.model;
}

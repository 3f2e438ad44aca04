import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  scatter,
  RcfInputError,
  drawSamples,
  resolveForestParams,
  type ForestParams,
  deserializeForest,
  resolveStreamingParams,
  type StreamingParams,
  checkPoints,
} from '../rcf/index.ts';
import { startWorker } from '../util/worker.ts';
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

/** A unit of work for one worker. `make` builds the message afresh, so a retried chunk can be sent again
 * after its first copy was transferred to a worker that died. */
type TaskMessage = Extract<ToWorker, { task: number }>;

interface Task {
  id: number;
  job: Job;
  make(): TaskMessage;
  attempts: number;
  done(msg: FromWorker): void;
}

interface Job {
  id: number;
  model?: Uint8Array;
  failed: boolean;
  fail(e: unknown): void;
}

interface Slot {
  worker: Worker;
  /** Whether the worker finished loading; one that dies before cannot be cured by retrying. */
  ready: boolean;
  task: Task | null;
  loaded: Set<number>;
  lastError?: Error;
}

/** Rows per scoring chunk: enough for Z-ordering and per-message costs to pay off, small enough to balance. */
const CHUNK_MIN = 65536;
const CHUNK_MAX = 262144;
/** A session's chunk is split across workers only when each piece keeps at least this many rows. */
const SESSION_PIECE_MIN = 16384;

export function createScoringPool(opts: PoolOptions = {}): ScoringPool {
  const size = Math.max(1, opts.size ?? availableParallelism() - 1);
  const entry = opts.entry ?? defaultEntry();
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  /** Set when workers keep dying before they load (a broken build, say): every job then fails with it. */
  let broken: Error | null = null;
  let startFailures = 0;

  function spawn(): Slot {
    const slot: Slot = { worker: startWorker(entry), ready: false, task: null, loaded: new Set() };
    slot.worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        startFailures = 0;
        return;
      }
      const task = slot.task;
      if (!task || msg.task !== task.id) return;
      slot.task = null;
      if (msg.type === 'failed') {
        const err = msg.name === 'RcfInputError' ? new RcfInputError(msg.message) : new Error(`scoring worker: ${msg.message}`);
        task.job.fail(err);
      } else if (!task.job.failed) task.done(msg);
      dispatch();
    });
    slot.worker.on('error', (e) => (slot.lastError = e));
    slot.worker.on('exit', () => {
      const i = slots.indexOf(slot);
      if (i < 0) return; // terminated on purpose
      slots.splice(i, 1);
      const task = slot.task;
      const why = slot.lastError?.message ?? 'it exited';
      if (!slot.ready && ++startFailures >= 3) {
        broken = new Error(`scoring workers fail to start (${why})`);
        for (const t of [task, ...queue.splice(0), ...slots.map((s) => s.task)]) t?.job.fail(broken);
        return;
      }
      if (!closed) slots.push(spawn());
      if (task && !task.job.failed) {
        // A worker that died while loading never ran the task: that is not the task's fault.
        if (!slot.ready || ++task.attempts < 2) queue.unshift(task);
        else task.job.fail(new Error(`a scoring worker died twice on the same chunk (${why}); the run was stopped`));
      }
      dispatch();
    });
    return slot;
  }

  for (let i = 0; i < size; i++) slots.push(spawn());

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.task) continue;
      const task = queue.shift();
      if (!task) return;
      slot.task = task;
      const msg = { ...task.make(), task: task.id }; // the pool numbers tasks; make() builds the payload
      if (msg.type === 'score' && !slot.loaded.has(msg.job)) {
        // Score tasks are only queued once the job has its model (trained or given).
        slot.worker.postMessage({ type: 'load', job: msg.job, model: task.job.model! } satisfies ToWorker);
        slot.loaded.add(msg.job);
      }
      slot.worker.postMessage(msg, transferList(msg));
    }
  }

  /** Starts a job: its tasks run through `run`, `failure` rejects on the first failure or on abort, `end` frees it. */
  function beginJob(signal: AbortSignal | undefined) {
    if (closed) throw new Error('the scoring pool is closed');
    if (broken) throw broken;
    signal?.throwIfAborted();
    let rejectJob!: (e: unknown) => void;
    const failure = new Promise<never>((_, reject) => (rejectJob = reject));
    failure.catch(() => {}); // a failure after the body already settled has no one left to tell
    const job: Job = {
      id: nextId++,
      failed: false,
      fail(e) {
        if (job.failed) return;
        job.failed = true;
        stopJob(job);
        rejectJob(e);
      },
    };
    const onAbort = () => job.fail(signal?.reason ?? new DOMException('The scoring run was cancelled', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const run = (make: () => TaskMessage) =>
      new Promise<FromWorker>((resolve) => {
        queue.push({ id: nextId++, job, make, attempts: 0, done: resolve });
        dispatch();
      });
    const end = () => {
      signal?.removeEventListener('abort', onAbort);
      stopJob(job);
    };
    return { job, run, failure, end };
  }

  /** Runs a job's tasks; rejects on the first failure or on abort, ending that job's work at once. */
  async function runJob<T>(signal: AbortSignal | undefined, body: (job: Job, run: (make: () => TaskMessage) => Promise<FromWorker>) => Promise<T>): Promise<T> {
    const { job, run, failure, end } = beginJob(signal);
    try {
      return await Promise.race([body(job, run), failure]);
    } finally {
      end();
    }
  }

  /** Drops a job's queued chunks, kills workers busy on it (a sync loop cannot be interrupted) and frees models. */
  function stopJob(job: Job): void {
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].job === job) queue.splice(i, 1);
    for (const slot of [...slots]) {
      if (slot.task?.job === job && job.failed) {
        slots.splice(slots.indexOf(slot), 1);
        void slot.worker.terminate();
        if (!closed) slots.push(spawn());
      } else if (slot.loaded.delete(job.id)) {
        slot.worker.postMessage({ type: 'unload', job: job.id } satisfies ToWorker);
      }
    }
    dispatch();
  }

  async function scoreBatch(points: Float64Array, dims: number, params: ForestParams, o: BatchOptions = {}): Promise<BatchResult> {
    const n = checkPoints(points, dims, o.columns);
    const resolved = resolveForestParams(params);
    if (o.model) {
      const forest = deserializeForest(o.model);
      if (forest.dims !== dims) throw new RcfInputError(`the model was trained on ${forest.dims} columns, not ${dims}`);
    }
    return runJob(o.signal, async (job, run) => {
      // Training and finding the distinct rows run in two workers at once; the calling thread only copies.
      const model = o.model ? Promise.resolve(o.model) : train(run, drawSamples(points, dims, resolved), dims, resolved);
      const deduped = run(() => ({ type: 'dedupe', task: 0, points: points.slice(), dims }));
      const [trained, distinct] = await Promise.all([model, deduped]);
      if (distinct.type !== 'deduped') throw new Error(`unexpected ${distinct.type} reply`);
      const { unique, count, rowToUnique } = distinct;
      job.model = trained;
      const width = 2 * dims;
      const uniqueScores = new Float64Array(count);
      const uniqueAttr = o.attribution ? new Float64Array(count * width) : undefined;
      const chunk = Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, Math.ceil(count / (4 * size))));
      let done = 0;
      o.onProgress?.(0, n);
      const chunks: Promise<void>[] = [];
      for (let from = 0; from < count; from += chunk) {
        const to = Math.min(count, from + chunk);
        const make = (): TaskMessage => ({ type: 'score', task: 0, job: job.id, points: unique.slice(from * dims, to * dims), attribution: !!o.attribution });
        chunks.push(
          run(make).then((msg) => {
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
    const { job, run, failure, end } = beginJob(o.signal);
    try {
      job.model = await Promise.race([train(run, samples, dims, resolved), failure]);
    } catch (e) {
      end();
      throw e;
    }
    const scoreOne = async (points: Float64Array): Promise<Float64Array> => {
      const msg = await Promise.race([run(() => ({ type: 'score', task: 0, job: job.id, points: points.slice(), attribution: false })), failure]);
      if (msg.type !== 'scored') throw new Error(`unexpected ${msg.type} reply`);
      return msg.scores;
    };
    return {
      model: job.model,
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
        end();
      },
    };
  }

  async function scoreStream(rows: Float64Array, dims: number, params: StreamingParams, o: JobOptions = {}): Promise<{ scores: Float64Array }> {
    const n = checkPoints(rows, dims, o.columns);
    const resolved = resolveStreamingParams(params);
    return runJob(o.signal, async (_job, run) => {
      // Trees are independent: each worker runs a slice of them over the whole series and returns sums.
      const parts = Math.min(size, resolved.numTrees);
      const scores = new Float64Array(n);
      let done = 0;
      o.onProgress?.(0, n);
      await Promise.all(
        Array.from({ length: parts }, (_, k) => {
          const trees = { from: Math.floor((k * resolved.numTrees) / parts), to: Math.floor(((k + 1) * resolved.numTrees) / parts) };
          return run(() => ({ type: 'stream', task: 0, rows: rows.slice(), dims, params: resolved, trees })).then((msg) => {
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
    async close() {
      closed = true;
      const all = slots.splice(0);
      for (const t of queue.splice(0)) t.job.fail(new Error('the scoring pool was closed'));
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

async function train(
  run: (make: () => TaskMessage) => Promise<FromWorker>,
  samples: Float64Array,
  dims: number,
  params: Required<ForestParams>,
): Promise<Uint8Array> {
  const msg = await run(() => ({ type: 'train', task: 0, samples: samples.slice(), dims, params }));
  if (msg.type !== 'trained') throw new Error(`unexpected ${msg.type} reply`);
  return msg.model;
}

function transferList(msg: ToWorker): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(msg)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  return out;
}

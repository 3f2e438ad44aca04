import type { Worker } from 'node:worker_threads';
import { startWorker, transferList } from './worker.ts';

/** What a pool worker says once it has loaded: until then its death is the build's fault, not a task's. */
export interface ReadyReply {
  type: 'ready';
}

/** A task that threw in the worker (see serveTasks): the error's name, message and stack. */
export interface FailedReply {
  type: 'failed';
  task: number;
  name: string;
  message: string;
  stack?: string;
}

/** A message the pool sends as a task: the pool numbers it (`task`), the worker's reply carries the number back. */
export type TaskOf<To> = Extract<To, { task: number }>;

export interface WorkerPoolOptions<To> {
  size: number;
  entry: URL;
  /** Names the workers in the pool's own errors ("scoring" → "scoring workers fail to start"). */
  name: string;
  /** The error a job fails with when its task `msg` failed in the worker. */
  failure(reply: FailedReply, msg: TaskOf<To>): unknown;
  /** The error a job fails with when its signal aborts. */
  cancelled(signal: AbortSignal): unknown;
  /** The message that frees a job's setup (PoolJob.setup) in a worker, once the job ends. */
  unload?(job: number): To;
}

/** One caller's work on the pool: its tasks, failing together on the first failure or on abort. */
export interface PoolJob<To, From> {
  readonly id: number;
  /** Once set, sent to each worker before the job's next task there (a model its tasks score with); unloaded at the end. */
  setup?: To;
  readonly failed: boolean;
  fail(e: unknown): void;
  /** Queues a task. `make` builds its message afresh, so a task can be sent again after its first copy was
   * transferred to a worker that died. */
  run(make: () => TaskOf<To>): Promise<Exclude<From, ReadyReply | FailedReply>>;
  /** Rejects when the job fails. */
  failure: Promise<never>;
  /** Frees the job: its queued tasks are dropped and its setup unloaded. */
  end(): void;
}

export interface WorkerPool<To, From> {
  readonly size: number;
  /** Starts a job; the caller ends it. */
  begin(signal?: AbortSignal): PoolJob<To, From>;
  /** Runs a job's tasks; rejects on the first failure or on abort, ending that job's work at once. */
  run<T>(signal: AbortSignal | undefined, body: (job: PoolJob<To, From>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Task<To> {
  id: number;
  job: Job<To>;
  make(): TaskOf<To>;
  /** The message as last sent, for the failure's error. */
  sent?: TaskOf<To>;
  attempts: number;
  done(msg: unknown): void;
}

interface Job<To> {
  id: number;
  setup?: To;
  failed: boolean;
  fail(e: unknown): void;
}

interface Slot<To> {
  worker: Worker;
  /** Whether the worker finished loading; one that dies before cannot be cured by retrying. */
  ready: boolean;
  task: Task<To> | null;
  /** Jobs whose setup this worker holds. */
  loaded: Set<number>;
  lastError?: Error;
}

/**
 * A fixed number of worker threads running tasks from a queue. A worker that dies is replaced and its task
 * retried once; workers that keep dying before they load (a broken build, say) fail every job with why.
 * Workers reply `ready` once, then one message per task with its `task` number (serveTasks does this).
 */
export function createWorkerPool<To extends { type: string }, From extends { type: string }>(opts: WorkerPoolOptions<To>): WorkerPool<To, From> {
  const { size, entry, name } = opts;
  const queue: Task<To>[] = [];
  const slots: Slot<To>[] = [];
  let nextId = 1;
  let closed = false;
  /** Set when workers keep dying before they load: every job then fails with it. */
  let broken: Error | null = null;
  let startFailures = 0;

  function spawn(): Slot<To> {
    const slot: Slot<To> = { worker: startWorker(entry), ready: false, task: null, loaded: new Set() };
    slot.worker.on('message', (msg: ReadyReply | FailedReply | { type: string; task: number }) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        startFailures = 0;
        return;
      }
      const task = slot.task;
      if (!task || !('task' in msg) || msg.task !== task.id) return;
      slot.task = null;
      if (msg.type === 'failed') task.job.fail(opts.failure(msg as FailedReply, task.sent!));
      else if (!task.job.failed) task.done(msg);
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
        broken = new Error(`${name} workers fail to start (${why})`);
        for (const t of [task, ...queue.splice(0), ...slots.map((s) => s.task)]) t?.job.fail(broken);
        return;
      }
      if (!closed) slots.push(spawn());
      if (task && !task.job.failed) {
        // A worker that died while loading never ran the task: that is not the task's fault.
        if (!slot.ready || ++task.attempts < 2) queue.unshift(task);
        else task.job.fail(new Error(`a ${name} worker died twice on the same chunk (${why}); the run was stopped`));
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
      task.sent = msg;
      const { setup } = task.job;
      if (setup && !slot.loaded.has(task.job.id)) {
        slot.worker.postMessage(setup); // copied, not transferred: every worker gets its own
        slot.loaded.add(task.job.id);
      }
      slot.worker.postMessage(msg, transferList(msg));
    }
  }

  function begin(signal: AbortSignal | undefined): PoolJob<To, From> {
    if (closed) throw new Error(`the ${name} pool is closed`);
    if (broken) throw broken;
    if (signal?.aborted) throw opts.cancelled(signal);
    let rejectJob!: (e: unknown) => void;
    const failure = new Promise<never>((_, reject) => (rejectJob = reject));
    failure.catch(() => {}); // a failure after the body already settled has no one left to tell
    const onAbort = () => job.fail(opts.cancelled(signal!));
    const job: PoolJob<To, From> & Job<To> = {
      id: nextId++,
      failed: false,
      fail(e) {
        if (job.failed) return;
        job.failed = true;
        stopJob(job);
        rejectJob(e);
      },
      run: (make) =>
        new Promise((resolve) => {
          queue.push({ id: nextId++, job, make, attempts: 0, done: resolve as (msg: unknown) => void });
          dispatch();
        }),
      failure,
      end() {
        signal?.removeEventListener('abort', onAbort);
        stopJob(job);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    return job;
  }

  /** Drops a job's queued tasks, kills workers busy on it (a sync loop cannot be interrupted) and frees its setup. */
  function stopJob(job: Job<To>): void {
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].job === job) queue.splice(i, 1);
    for (const slot of [...slots]) {
      if (slot.task?.job === job && job.failed) {
        slots.splice(slots.indexOf(slot), 1);
        void slot.worker.terminate();
        if (!closed) slots.push(spawn());
      } else if (slot.loaded.delete(job.id) && opts.unload) {
        slot.worker.postMessage(opts.unload(job.id));
      }
    }
    dispatch();
  }

  return {
    size,
    begin,
    async run(signal, body) {
      const job = begin(signal);
      try {
        return await Promise.race([body(job), job.failure]);
      } finally {
        job.end();
      }
    },
    async close() {
      closed = true;
      const all = slots.splice(0);
      for (const t of queue.splice(0)) t.job.fail(new Error(`the ${name} pool was closed`));
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}

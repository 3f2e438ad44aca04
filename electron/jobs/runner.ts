import { randomUUID } from 'node:crypto';
import { finishedWithin } from './deadline.ts';
import { ApiError } from '../../shared/api/envelope.ts';
import type { AnyJob, JobInfo, JobKind, JobResults } from '../../shared/api/jobs.ts';
import type { EventBus } from './events.ts';

import type { WorkContext } from './context.ts';

/** A job's work gets the shared WorkContext; rate and ETA are derived here so every job reports them the same way. */
export type JobContext = WorkContext;

interface Entry {
  info: AnyJob;
  controller: AbortController;
  done: Promise<AnyJob>;
}

const EMIT_EVERY_MS = 100;
const KEEP_ENDED = 50;

/** Runs long operations with progress events, cancel, and a uniform end state. */
export class JobRunner {
  private jobs = new Map<string, Entry>();
  constructor(private events: EventBus) {}

  /** The work's result type follows from the kind (JobResults), so every reader of a job of that kind can rely on it. */
  start<K extends JobKind>(kind: K, title: string, work: (ctx: JobContext) => Promise<JobResults[K]>): JobInfo<JobResults[K]> {
    const controller = new AbortController();
    const started = Date.now();
    const info: JobInfo<JobResults[K]> = {
      id: randomUUID(),
      kind,
      title,
      state: 'running',
      startedAt: new Date(started).toISOString(),
      progress: { done: 0, total: 0, unit: '' },
    };
    /** The same object as a job of its kind (TypeScript cannot see that kind K and JobResults[K] pair up). */
    const job = info as AnyJob;
    let lastEmit = 0;
    const emit = (force = false) => {
      const now = Date.now();
      if (!force && now - lastEmit < EMIT_EVERY_MS) return;
      lastEmit = now;
      this.events.emit('job', { ...job, progress: { ...info.progress } });
    };
    const ctx: JobContext = {
      signal: controller.signal,
      progress(p) {
        const seconds = (Date.now() - started) / 1000;
        const rate = seconds > 0 ? p.done / seconds : undefined;
        const etaSeconds = rate && p.total > 0 ? Math.max(0, (p.total - p.done) / rate) : undefined;
        info.progress = { ...p, ...(rate !== undefined ? { rate } : {}), ...(etaSeconds !== undefined ? { etaSeconds } : {}) };
        emit();
      },
    };
    const done = (async () => {
      try {
        info.result = await work(ctx);
        info.state = controller.signal.aborted ? 'cancelled' : 'done';
      } catch (e) {
        const cancelled = controller.signal.aborted || (e instanceof ApiError && e.code === 'CANCELLED');
        info.state = cancelled ? 'cancelled' : 'failed';
        info.error =
          e instanceof ApiError
            ? { code: e.code, message: e.message }
            : { code: cancelled ? 'CANCELLED' : 'INTERNAL', message: (e as Error)?.message ?? String(e) };
      }
      info.endedAt = new Date().toISOString();
      emit(true);
      this.prune();
      return job;
    })();
    this.jobs.set(info.id, { info: job, controller, done });
    emit(true);
    return info;
  }

  get(id: string): AnyJob {
    const entry = this.jobs.get(id);
    if (!entry) throw new ApiError('NOT_FOUND', `no job ${id}`);
    return entry.info;
  }

  list(): AnyJob[] {
    return [...this.jobs.values()].map((e) => e.info);
  }

  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (!entry || entry.info.state !== 'running') return false;
    entry.controller.abort();
    return true;
  }

  /** Resolves when the job ends, whatever its end state. */
  wait(id: string): Promise<AnyJob> {
    const entry = this.jobs.get(id);
    if (!entry) throw new ApiError('NOT_FOUND', `no job ${id}`);
    return entry.done;
  }

  cancelAll(): void {
    for (const e of this.jobs.values()) e.controller.abort();
  }

  /** Resolves when every running job has ended, or after `ms`, whichever comes first. */
  async settle(ms: number): Promise<void> {
    const running = [...this.jobs.values()].filter((e) => e.info.state === 'running').map((e) => e.done);
    if (running.length === 0) return;
    await finishedWithin(Promise.all(running), ms);
  }

  private prune() {
    const ended = [...this.jobs.values()].filter((e) => e.info.state !== 'running');
    for (const e of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.jobs.delete(e.info.id);
  }
}

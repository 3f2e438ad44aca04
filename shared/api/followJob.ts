import type { ApiClient } from './index.ts';
import type { JobInfo } from './jobs.ts';

/**
 * Starts a job (or takes one already started) and follows it to its end, whatever the transport.
 * Subscribes before starting, so the job's own events are never missed, even when it ends before the
 * starting call returns; an ended state is final (a stale "running" snapshot never overwrites it);
 * asks once for the job's state after it starts, in case an event stream dropped some.
 */
export function followJob<R>(
  client: ApiClient,
  start: JobInfo<R> | (() => Promise<JobInfo<R>>),
  onUpdate: (job: JobInfo<R>) => void = () => {},
): Promise<JobInfo<R>> {
  return new Promise((resolve, reject) => {
    let id: string | undefined;
    let latest: JobInfo<R> | undefined;
    let settled = false;
    const early: JobInfo[] = [];
    const take = (job: JobInfo) => {
      if (settled || (latest && latest.state !== 'running')) return;
      // A copy: in process, a snapshot may be the runner's live object, which changes under us.
      latest = { ...job, progress: { ...job.progress } } as JobInfo<R>;
      onUpdate(latest);
      if (latest.state !== 'running') {
        settled = true;
        off();
        resolve(latest);
      }
    };
    const off = client.on('job', (job) => {
      if (id === undefined) early.push(job);
      else if (job.id === id) take(job);
    });
    const begin = (job: JobInfo<R>) => {
      id = job.id;
      // Events that came before the id was known, then the snapshot, unless an ended event already came.
      const mine = early.filter((e) => e.id === id);
      early.length = 0;
      if (!mine.some((e) => e.state !== 'running')) take(job);
      for (const e of mine) take(e);
      if (!settled) client.call('jobs.get', { id: job.id }).then(take, () => {});
    };
    if (typeof start === 'function') {
      start().then(begin, (e) => {
        off();
        reject(e);
      });
    } else {
      begin(start);
    }
  });
}

/** A job's end as an outcome: the result when done, or why not. */
export function jobOutcome<R>(job: JobInfo<R>): { ok: true; result: R } | { ok: false; cancelled: boolean; code: string; message: string } {
  if (job.state === 'done') return { ok: true, result: job.result as R };
  const cancelled = job.state === 'cancelled';
  return {
    ok: false,
    cancelled,
    code: job.error?.code ?? (cancelled ? 'CANCELLED' : 'INTERNAL'),
    message: job.error?.message ?? (cancelled ? 'cancelled' : `${job.title} failed`),
  };
}

import { ApiError } from '../../shared/api/envelope.ts';
import { followJob, jobOutcome } from '../../shared/api/followJob.ts';
import type { ApiClient } from '../../shared/api/index.ts';
import type { JobInfo, JobProgress } from '../../shared/api/jobs.ts';
import { CliError, type CliIO } from './command.ts';

export interface RunJobOptions {
  /** A progress line for stderr, or undefined for none; printed when it changes, at most once a second. */
  progressLine?: (p: JobProgress, elapsedSeconds: number) => string | undefined;
  /** What to say when Ctrl+C cancelled the job (exit code 130). */
  cancelled?: string;
  /** Least time between two progress lines (default 1 s); 0 when progressLine itself says when to print. */
  minIntervalMs?: number;
}

const PROGRESS_EVERY_MS = 1000;

/**
 * The CLI's one way to run a job: start it, print progress on stderr, cancel it on Ctrl+C, and return its
 * result; a cancelled job exits 130, a failed one 1, with one line saying why.
 */
export async function runJob<R>(client: ApiClient, io: CliIO, start: () => Promise<JobInfo<R>>, opts: RunJobOptions = {}): Promise<R> {
  const started = Date.now();
  let id: string | undefined;
  let cancelRequested = false;
  let lastLine = '';
  let lastAt = 0;
  let lastPhase: string | undefined;
  const cancel = () => {
    cancelRequested = true;
    if (id) client.call('jobs.cancel', { id }).catch(() => {});
  };
  process.once('SIGINT', cancel);
  try {
    const end = await followJob(
      client,
      async () => {
        const job = await start();
        id = job.id;
        if (cancelRequested) cancel();
        return job;
      },
      (job) => {
        if (job.state !== 'running' || !opts.progressLine) return;
        const line = opts.progressLine(job.progress, (Date.now() - started) / 1000);
        // A new phase always gets its line; within a phase, at most one per interval.
        const newPhase = job.progress.message !== lastPhase;
        lastPhase = job.progress.message;
        if (!line || line === lastLine || (!newPhase && Date.now() - lastAt < (opts.minIntervalMs ?? PROGRESS_EVERY_MS))) return;
        lastLine = line;
        lastAt = Date.now();
        io.err(line);
      },
    ).catch((e: unknown) => {
      if (e instanceof ApiError) throw new CliError(`${e.code}: ${e.message}`, 1);
      throw e;
    });
    const outcome = jobOutcome(end);
    if (outcome.ok) return outcome.result;
    if (outcome.cancelled) throw new CliError(opts.cancelled ?? 'cancelled', 130);
    throw new CliError(`${outcome.code}: ${outcome.message}`, 1);
  } finally {
    process.off('SIGINT', cancel);
  }
}

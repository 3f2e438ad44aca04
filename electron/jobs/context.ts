import { ApiError } from '../../shared/api/envelope.ts';
import type { JobProgress } from '../../shared/api/jobs.ts';

/** What every long operation gets, whatever runs it (a job, the CLI, a test): a cancel signal and a progress sink. */
export interface WorkContext {
  signal: AbortSignal;
  progress(p: Omit<JobProgress, 'rate' | 'etaSeconds'>): void;
}

/** A context for work nobody follows or cancels. */
export function idleWorkContext(): WorkContext {
  return { signal: new AbortController().signal, progress() {} };
}

/** Throws CANCELLED when the signal is aborted; long loops call it between units of work. */
export function throwIfCancelled(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new ApiError('CANCELLED', what ? `${what} cancelled` : 'cancelled');
}

import type { JobInfo } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

export interface JobsApi {
  'jobs.list': Method<NoArgs, JobInfo[]>;
  'jobs.get': Method<{ id: string }, JobInfo>;
  'jobs.cancel': Method<{ id: string }, { cancelled: boolean }>;
}

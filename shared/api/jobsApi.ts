import type { AnyJob } from './jobs.ts';
import type { Method, NoArgs } from './method.ts';

export interface JobsApi {
  'jobs.list': Method<NoArgs, AnyJob[]>;
  'jobs.get': Method<{ id: string }, AnyJob>;
  'jobs.cancel': Method<{ id: string }, { cancelled: boolean }>;
}

import { ApiError } from '../../../shared/api/envelope.ts';
import { requireNumber } from '../router.ts';

/** The optional run and cut-off that the Anomalies and Map requests share: checked, and left out when absent. */
export const optionalRun = (v: unknown) => (v === undefined || v === null ? {} : { runId: requireNumber(v, 'runId') });

export function optionalCutoff(v: unknown): { cutoff?: string } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'string') throw new ApiError('BAD_REQUEST', '"cutoff" must be text such as mean+1.5sd');
  return { cutoff: v };
}

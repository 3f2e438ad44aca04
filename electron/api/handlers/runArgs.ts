import { requireNumber, requireText } from '../../../shared/api/validate.ts';

/** The optional run and cut-off that the Anomalies and Map requests share: checked, and left out when absent. */
export const optionalRun = (v: unknown) => (v === undefined || v === null ? {} : { runId: requireNumber(v, 'runId') });

export function optionalCutoff(v: unknown): { cutoff?: string } {
  if (v === undefined || v === null || v === '') return {};
  return { cutoff: requireText(v, 'cutoff') };
}

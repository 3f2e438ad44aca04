import type { DetectorSettings, Threshold } from '../../shared/api/streams.ts';
import { defaultMinScore, type Moments } from '../rcf/index.ts';

/** The score a fixed cut-off asks for; 0 under the detector, where a grade above 0 alerts. */
export function resolveCutoff(threshold: Threshold, stats: Moments): number {
  if (threshold.kind === 'detector') return 0;
  return threshold.kind === 'score' ? threshold.value : stats.mean + threshold.k * stats.sd;
}

/** The detector's alert settings for a threshold (undefined for a fixed cut-off, which scores plainly); the floor is the library's. */
export function detectSettings(threshold: Threshold, shingleSize: number): DetectorSettings | undefined {
  return threshold.kind === 'detector' ? { zFactor: threshold.zFactor ?? 3, minScore: defaultMinScore(shingleSize) } : undefined;
}

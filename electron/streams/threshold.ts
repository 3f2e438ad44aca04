import type { DetectorSettings, Threshold } from '../../shared/api/streams.ts';
import { defaultMinScore } from '../rcf/index.ts';

export interface ScoreStats {
  mean: number;
  sd: number;
  count: number;
}

/** Mean and (population) standard deviation of the finite scores; windows without a score are skipped. */
export function scoreStats(scores: Iterable<number>): ScoreStats {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const s of scores) {
    if (!Number.isFinite(s)) continue;
    count++;
    const d = s - mean;
    mean += d / count;
    m2 += d * (s - mean);
  }
  return { mean: count ? mean : 0, sd: count ? Math.sqrt(m2 / count) : 0, count };
}

/** The score a fixed cut-off asks for; 0 under the detector, where a grade above 0 alerts. */
export function resolveCutoff(threshold: Threshold, stats: ScoreStats): number {
  if (threshold.kind === 'detector') return 0;
  return threshold.kind === 'score' ? threshold.value : stats.mean + threshold.k * stats.sd;
}

/** The detector's alert settings for a threshold (undefined for a fixed cut-off, which scores plainly); the floor is the library's. */
export function detectSettings(threshold: Threshold, shingleSize: number): DetectorSettings | undefined {
  return threshold.kind === 'detector' ? { zFactor: threshold.zFactor ?? 3, minScore: defaultMinScore(shingleSize) } : undefined;
}

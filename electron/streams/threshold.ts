import type { Threshold } from '../../shared/api/streams.ts';

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

/** The score an alert must reach. */
export function resolveCutoff(threshold: Threshold, stats: ScoreStats): number {
  return threshold.kind === 'score' ? threshold.value : stats.mean + threshold.k * stats.sd;
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamingForest, ThresholdedDetector, type DetectorParams } from '../rcf/index.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const SUITE = 'nab';

interface Series {
  key: string;
  timestamps: string[];
  values: Float64Array;
  windows: [string, string][];
}

/** A folder laid out like shared/nab-dev: CATEGORY--NAME.csv (timestamp,value) and windows.json. */
async function loadSeries(dir: string): Promise<Series[]> {
  const windows = JSON.parse(await readFile(join(dir, 'windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const out: Series[] = [];
  for (const f of (await readdir(dir)).filter((f) => f.includes('--') && f.endsWith('.csv')).sort()) {
    const key = f.replace('--', '/');
    const lines = (await readFile(join(dir, f), 'utf8')).trim().split('\n').slice(1);
    const stamp = (s: string) => s.slice(0, 19);
    out.push({
      key,
      timestamps: lines.map((l) => stamp(l.split(',')[0])),
      values: Float64Array.from(lines, (l) => Number(l.split(',')[1])),
      windows: (windows[key] ?? []).map(([a, b]) => [stamp(a), stamp(b)]),
    });
  }
  return out;
}

/** The README's rule: a window is found when a flagged timestamp lies in it (ends included); other flags are false positives. */
export function scoreFlags(timestamps: string[], flags: ArrayLike<number>, windows: [string, string][]): { found: number; fp: number } {
  const hit = new Uint8Array(windows.length);
  let fp = 0;
  for (let i = 0; i < flags.length; i++) {
    if (!flags[i]) continue;
    const t = timestamps[i];
    const w = windows.findIndex(([a, b]) => a <= t && t <= b);
    if (w < 0) fp++;
    else hit[w] = 1;
  }
  return { found: hit.reduce((s, h) => s + h, 0), fp };
}

/** Plain streaming RCF cut at mean + 3σ of its non-zero scores, as evaluate.py cuts a score column. */
function sigmaFlags(scores: Float64Array): Uint8Array {
  const ready = scores.filter((s) => s > 0);
  const m = ready.reduce((a, b) => a + b, 0) / ready.length;
  const sd = Math.sqrt(ready.reduce((a, b) => a + (b - m) ** 2, 0) / ready.length);
  return Uint8Array.from(scores, (s) => (s > m + 3 * sd ? 1 : 0));
}

/**
 * Issue #12's figures: over every series of a NAB-style folder (--dir), the thresholded detector's windows
 * found and false-positive timestamps at shingle 48 and 8 (T=100, S=256, one default configuration),
 * beside plain streaming RCF at mean + 3σ in the same run, and the detector's time over plain scoring.
 */
export async function benchNab(opts: BenchOptions): Promise<BenchRow[]> {
  if (!opts.dir) throw new Error('nab: pass the data folder with --dir DIR (laid out like shared/nab-dev)');
  const series = await loadSeries(opts.dir);
  const out: BenchRow[] = [];
  const windows = series.reduce((s, x) => s + x.windows.length, 0);
  for (const shingleSize of opts.quick ? [48] : [48, 8]) {
    const params: DetectorParams = { numTrees: 100, samplesPerTree: 256, shingleSize, seed: 42 };
    const total = { plain: { found: 0, fp: 0, ms: 0 }, detector: { found: 0, fp: 0, ms: 0 } };
    for (const s of series) {
      let t = performance.now();
      const plain = sigmaFlags(new StreamingForest(1, params).process(s.values));
      total.plain.ms += performance.now() - t;
      t = performance.now();
      const det = new ThresholdedDetector(1, params).process(s.values);
      total.detector.ms += performance.now() - t;
      const p = scoreFlags(s.timestamps, plain, s.windows);
      const d = scoreFlags(s.timestamps, det.anomaly, s.windows);
      for (const [k, v] of [
        ['plain', p],
        ['detector', d],
      ] as const) {
        total[k].found += v.found;
        total[k].fp += v.fp;
      }
      const c = `${s.key} shingle ${shingleSize}`;
      out.push({
        suite: SUITE,
        case: c,
        metric: 'detector windows found',
        value: d.found,
        unit: `of ${s.windows.length}`,
        note: `${d.fp} FP; plain RCF mean+3σ ${p.found} found, ${p.fp} FP`,
      });
      out.push({ suite: SUITE, case: c, metric: 'detector false positives', value: d.fp, unit: 'timestamps' });
    }
    const c = `total ${series.length} series, shingle ${shingleSize}`;
    out.push({ suite: SUITE, case: c, metric: 'detector windows found', value: total.detector.found, unit: `of ${windows}` });
    out.push({ suite: SUITE, case: c, metric: 'detector false positives', value: total.detector.fp, unit: 'timestamps' });
    out.push({ suite: SUITE, case: c, metric: 'plain RCF mean+3σ windows found', value: total.plain.found, unit: `of ${windows}` });
    out.push({ suite: SUITE, case: c, metric: 'plain RCF mean+3σ false positives', value: total.plain.fp, unit: 'timestamps' });
    out.push({
      suite: SUITE,
      case: c,
      metric: 'detector time / plain streaming scoring',
      value: total.detector.ms / total.plain.ms,
      unit: 'ratio',
      note: `${(total.detector.ms / 1000).toFixed(1)} s vs ${(total.plain.ms / 1000).toFixed(1)} s`,
    });
  }
  return out;
}

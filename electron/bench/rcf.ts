import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scoreForest, trainForest, Rng } from '../rcf/index.ts';
import { createScoringPool } from '../scoring/pool.ts';
import type { BenchOptions, BenchRow } from './types.ts';

const exec = promisify(execFile);
const CLI = join(import.meta.dirname, '../../scripts/cli.mjs');

/**
 * RCF build and score throughput, in-process (one thread) and through the worker pool, plus the whole
 * `score --in/--out` CLI run and (without --quick) the lab-scale job: 40.5M rows of 2-D integer map
 * coordinates, T=200, S=1000, about 20 s plus generating the data. For scale: AWS's Java library scores
 * 21,000–49,000 points/s at T=100,S=256 and 2,600–5,800 at T=200,S=1000 on this machine type.
 */
export async function benchRcf(opts: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (c: string, metric: string, value: number, unit: string, note?: string) => rows.push({ suite: 'rcf', case: c, metric, value, unit, note });
  const workers = availableParallelism();
  const pool = createScoringPool({ size: workers });
  try {
    for (const [trees, samples] of [
      [100, 256],
      [200, 1000],
    ]) {
      for (const dims of [2, 10]) {
        const n = (opts.quick ? 50_000 : dims === 2 ? 1_000_000 : 200_000) / (trees === 200 ? 4 : 1);
        const points = uniform(n, dims, 1);
        const params = { numTrees: trees, samplesPerTree: samples, seed: 1 };
        const name = `T=${trees},S=${samples},${dims}-D`;
        let t = performance.now();
        const forest = trainForest(points, dims, params);
        row(name, 'build', (trees * samples) / secs(t), 'points/s', 'sample points inserted, one thread');
        t = performance.now();
        scoreForest(forest, points);
        row(name, 'score 1 thread', n / secs(t), 'points/s', `${n.toLocaleString('en-US')} distinct points`);
        await pool.scoreBatch(points.subarray(0, 1000 * dims), dims, params); // workers loaded and warm
        t = performance.now();
        await pool.scoreBatch(points, dims, params);
        row(name, `train+score pool×${workers}`, n / secs(t), 'points/s');
      }
    }
  } finally {
    await pool.close();
  }
  rows.push(...(await benchCli(opts.quick ? 100_000 : 1_000_000, workers)));
  if (!opts.quick) rows.push(...(await benchLab(workers)));
  return rows;
}

/** The whole CLI run on a CSV of non-repeating 2-D points: parse, train, score, write. */
async function benchCli(n: number, workers: number): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rz-bench-rcf-'));
  try {
    const input = join(dir, 'in.csv');
    const points = uniform(n, 2, 2);
    const lines = ['x,y'];
    for (let i = 0; i < n; i++) lines.push(`${points[2 * i].toFixed(4)},${points[2 * i + 1].toFixed(4)}`);
    writeFileSync(input, lines.join('\n') + '\n');
    const t = performance.now();
    // The CLI as an analyst runs it, in its own process (bench sits below the CLI, so it does not import it).
    await exec(process.execPath, [CLI, 'score', '--in', input, '--out', join(dir, 'out.csv'), '--workers', String(workers)]);
    return [
      {
        suite: 'rcf',
        case: 'CLI score T=100,S=256,2-D',
        metric: `--in/--out, ${workers} workers`,
        value: n / secs(t),
        unit: 'points/s',
        note: `${n.toLocaleString('en-US')} rows, CSV in and out, process and worker start-up included`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 40.5M rows of integer map coordinates in 0..1200², bunched around hot spots, as the lab's job. */
async function benchLab(workers: number): Promise<BenchRow[]> {
  const n = 40_500_000;
  const points = mapCoordinates(n, 3);
  const pool = createScoringPool({ size: workers });
  try {
    await pool.scoreBatch(points.subarray(0, 2000), 2, { numTrees: 200, samplesPerTree: 1000 });
    const t = performance.now();
    const { scores } = await pool.scoreBatch(points, 2, { numTrees: 200, samplesPerTree: 1000, seed: 1 });
    const wall = secs(t);
    if (scores.length !== n) throw new Error('lab job lost rows');
    const peak = process.resourceUsage().maxRSS / 1024 ** 2; // KiB → GiB
    return [
      { suite: 'rcf', case: 'lab job 40.5M×2-D T=200,S=1000', metric: `wall, pool×${workers}`, value: wall, unit: 's' },
      { suite: 'rcf', case: 'lab job 40.5M×2-D T=200,S=1000', metric: 'peak memory', value: peak, unit: 'GiB', note: 'process max RSS, data included' },
    ];
  } finally {
    await pool.close();
  }
}

function uniform(n: number, dims: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(n * dims);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() * 1000;
  return out;
}

function mapCoordinates(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const spots = Array.from({ length: 12 }, () => [100 + rng.next() * 1000, 100 + rng.next() * 1000]);
  const gauss = () => rng.next() + rng.next() + rng.next() + rng.next() - 2; // sd ≈ 0.58
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let x: number;
    let y: number;
    if (rng.next() < 0.8) {
      const [cx, cy] = spots[rng.int(spots.length)];
      x = cx + 100 * gauss();
      y = cy + 100 * gauss();
    } else {
      x = rng.next() * 1200;
      y = rng.next() * 1200;
    }
    out[2 * i] = Math.min(1200, Math.max(0, Math.round(x)));
    out[2 * i + 1] = Math.min(1200, Math.max(0, Math.round(y)));
  }
  return out;
}

function secs(since: number): number {
  return (performance.now() - since) / 1000;
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreCommand } from '../../../electron/cli/commands/score.ts';
import { CliError } from '../../../electron/cli/command.ts';
import { StreamingForest, ThresholdedDetector, scoreForest, trainForest } from '../../../electron/rcf/index.ts';
import { Rng } from '../../../electron/rcf/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'rz-cli-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent = { out: () => {}, err: () => {} };
let files = 0;

function csvFile(text: string): string {
  const path = join(dir, `in-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

async function score(text: string, ...args: string[]): Promise<string[]> {
  const out = join(dir, `out-${files++}.csv`);
  const code = await scoreCommand.run(['--in', csvFile(text), '--out', out, '--workers', '1', ...args], silent);
  expect(code).toBe(0);
  return readFileSync(out, 'utf8').trimEnd().split('\n');
}

// Each run starts a worker thread that compiles TypeScript on first use.
describe('score --in/--out', { timeout: 30000 }, () => {
  const rng = new Rng(3);
  const xy = Array.from({ length: 300 }, () => [Math.round(rng.next() * 1e6) / 1e3, Math.round(rng.next() * 1e6) / 1e3]);

  it('appends a score to each row as it was, matching the library, through quotes and CRLF', async () => {
    const lines = ['id,name,x,y', ...xy.map(([x, y], i) => `${i},"player, ${i}",${x},${y}`)];
    const out = await score(lines.join('\r\n') + '\r\n', '--columns', 'x,y', '--trees', '20', '--samples', '64', '--seed', '5');
    expect(out[0]).toBe('id,name,x,y,score');
    const points = Float64Array.from(xy.flat());
    const expected = scoreForest(trainForest(points, 2, { numTrees: 20, samplesPerTree: 64, seed: 5 }), points);
    out.slice(1).forEach((line, i) => {
      expect(line.startsWith(lines[i + 1] + ',')).toBe(true);
      expect(Number(line.slice(line.lastIndexOf(',') + 1))).toBeCloseTo(expected[i], 6);
    });
  });

  it('adds high/low attribution columns that sum to the score', async () => {
    const out = await score(['x,y', ...xy.map((r) => r.join(','))].join('\n'), '--attribution', '--trees', '10');
    expect(out[0]).toBe('x,y,score,x_attr_high,x_attr_low,y_attr_high,y_attr_low');
    for (const line of out.slice(1)) {
      const [, , s, ...parts] = line.split(',').map(Number);
      expect(Math.abs(parts.reduce((a, b) => a + b, 0) - s)).toBeLessThan(1e-5);
    }
  });

  it('streams with shingles: 0 until the forest is ready, as the library', async () => {
    const values = Array.from({ length: 400 }, (_, t) => Math.round(Math.sin(t / 7) * 1000) / 1000);
    const out = await score(['v', ...values].join('\n'), '--stream', '--shingle', '4', '--trees', '8', '--samples', '64', '--seed', '2');
    const expected = new StreamingForest(1, { numTrees: 8, samplesPerTree: 64, shingleSize: 4, seed: 2 }).process(Float64Array.from(values));
    out.slice(1).forEach((line, i) => expect(Number(line.split(',')[1])).toBeCloseTo(expected[i], 6));
    expect(Number(out[1].split(',')[1])).toBe(0);
  });

  it('detects with --detect: grade, anomaly and expected columns as the library, one alert on a planted spike', async () => {
    const v = Array.from({ length: 800 }, (_, i) => Math.round((50 + 10 * Math.sin(i / 8) + rng.next()) * 1000) / 1000);
    v[600] += 60;
    const out = await score(
      ['t,v', ...v.map((x, i) => `${i},${x}`)].join('\n'),
      '--columns',
      'v',
      '--stream',
      '--shingle',
      '4',
      '--trees',
      '30',
      '--samples',
      '64',
      '--detect',
    );
    expect(out[0]).toBe('t,v,score,grade,anomaly,expected_v');
    const det = new ThresholdedDetector(1, { numTrees: 30, samplesPerTree: 64, shingleSize: 4, seed: 0 }).process(Float64Array.from(v));
    const rows = out.slice(1).map((l) => l.split(','));
    rows.forEach((r, i) => {
      expect(Number(r[2])).toBeCloseTo(det.scores[i], 6);
      expect(Number(r[3])).toBeCloseTo(det.grades[i], 6);
      expect(r[4]).toBe(det.anomaly[i] ? '1.000000' : '0.000000');
      expect(r[5] === '').toBe(!det.anomaly[i]);
    });
    const alerts = rows.flatMap((r, i) => (r[4] === '1.000000' ? [i] : []));
    expect(alerts.filter((i) => i >= 600 && i < 604)).toHaveLength(1);
    const at = alerts.find((i) => i >= 600)!;
    expect(Number(rows[at][5])).toBeLessThan(v[at] - 30);
    await expect(scoreCommand.run(['--in', csvFile('a\n1\n'), '--out', join(dir, 'x.csv'), '--detect'], silent)).rejects.toThrow(CliError);
  });

  it('reports bad input as one clear line', async () => {
    const run = (text: string, ...args: string[]) =>
      scoreCommand.run(['--in', csvFile(text), '--out', join(dir, 'bad.csv'), '--workers', '1', ...args], silent);
    await expect(run('x,y\n1,2\n3,abc\n')).rejects.toThrow(/column 'y' line 3: "abc" is not a number/);
    await expect(run('x,y\n1,2\n3,\n')).rejects.toThrow(/column 'y' line 3: "" is not a number/);
    await expect(run('x,y\n1,NaN\n')).rejects.toThrow(/"NaN" is not a number/);
    await expect(run('x,y\n1,2\n', '--columns', 'z')).rejects.toThrow(/no column "z"/);
    await expect(run('x,y\n')).rejects.toThrow(/no rows/);
    await expect(run('')).rejects.toThrow(/empty/);
    await expect(run('x,y\n1\n')).rejects.toThrow(/line 2 has 1 fields/);
    await expect(run('x\n1\n', '--stream', '--attribution')).rejects.toBeInstanceOf(CliError);
    await expect(scoreCommand.run(['--in', join(dir, 'missing.csv'), '--out', join(dir, 'o.csv')], silent)).rejects.toThrow(/no such file/);
  });

  it('scores one row, and a constant column', async () => {
    expect(await score('x,y\n5,6\n')).toEqual(['x,y,score', '5,6,0.500000']);
    const out = await score(['x,c', ...xy.map(([x]) => `${x},7`)].join('\n'), '--trees', '10');
    expect(out).toHaveLength(301);
  });
});

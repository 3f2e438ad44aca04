import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RcfInputError, StreamingForest, attributeForest, deserializeForest, scoreForest, trainForest } from '../../electron/rcf/index.ts';
import { Rng } from '../../electron/rcf/random.ts';
import { createScoringPool } from '../../electron/scoring/pool.ts';

function randomPoints(n: number, dims: number, seed: number, grid = 0): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * dims }, () => (grid ? Math.floor(rng.next() * grid) : rng.next() * 100));
}

const tmp = mkdtempSync(join(tmpdir(), 'rz-pool-'));
writeFileSync(join(tmp, 'package.json'), '{"type":"module"}'); // the crashing entries below are ES modules
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A worker entry that dies on its first chunk: once per marker file (crashOnce) or every time. */
function crashingEntry(crashOnce: boolean): URL {
  const real = new URL('../../electron/scoring/scoreWorker.ts', import.meta.url).href;
  const marker = join(tmp, `crashed-${Math.random()}`);
  const file = join(tmp, `crash-${crashOnce ? 'once' : 'always'}-${Math.random()}.ts`);
  writeFileSync(
    file,
    `import { parentPort } from 'node:worker_threads';
import { existsSync, writeFileSync } from 'node:fs';
// Wrap the real worker's message handler (listening ourselves would take messages before it is loaded).
const port = parentPort as any;
const on = port.on.bind(port);
port.on = (event: string, handler: (m: { type: string }) => void) =>
  on(event, event !== 'message' ? handler : (m: { type: string }) => {
    if (m.type === 'score' && !(${crashOnce} && existsSync(${JSON.stringify(marker)}))) {
      writeFileSync(${JSON.stringify(marker)}, '');
      process.exit(3);
    }
    handler(m);
  });
await import(${JSON.stringify(real)});
`,
  );
  return pathToFileURL(file);
}

// Generous timeouts: each test starts worker threads that compile TypeScript on first use.
describe('scoring pool', { timeout: 30000 }, () => {
  const pool = createScoringPool({ size: 2 });
  afterAll(() => pool.close());

  it('trains once and scores like the library, each distinct row once, with progress', async () => {
    const points = randomPoints(60000, 2, 1, 300); // a 300 × 300 grid: plenty of repeats
    const params = { numTrees: 40, samplesPerTree: 256, seed: 7 };
    const progress: number[] = [];
    const { scores, model } = await pool.scoreBatch(points, 2, params, { onProgress: (done, total) => progress.push(done / total) });
    expect(scores).toEqual(scoreForest(trainForest(points, 2, params), points));
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // The returned model scores new data the same as the forest it came from.
    const fresh = randomPoints(5000, 2, 2);
    const again = await pool.scoreBatch(fresh, 2, params, { model });
    expect(again.scores).toEqual(scoreForest(deserializeForest(model), fresh));
    expect(again.model).toBe(model);
  });

  it('returns attribution that matches the library and sums to the score', async () => {
    const points = randomPoints(20000, 3, 3);
    const params = { numTrees: 30, seed: 2 };
    const { scores, attribution } = await pool.scoreBatch(points, 3, params, { attribution: true });
    const expected = attributeForest(trainForest(points, 3, params), points);
    expect(attribution!.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i += 997) expect(attribution![i]).toBeCloseTo(expected[i], 12);
    for (let i = 0; i < scores.length; i += 101) {
      const parts = attribution!.subarray(i * 6, i * 6 + 6).reduce((a, b) => a + b, 0);
      expect(parts).toBeCloseTo(scores[i], 12);
    }
  });

  it('streams with the trees split across workers, as one forest would', async () => {
    const rows = Float64Array.from({ length: 3000 }, (_, t) => Math.sin(t / 10) + (t === 2500 ? 4 : 0));
    const params = { numTrees: 20, samplesPerTree: 128, shingleSize: 8, seed: 4 };
    const { scores } = await pool.scoreStream(rows, 1, params);
    const expected = new StreamingForest(1, params).process(rows);
    for (let i = 0; i < rows.length; i++) expect(scores[i]).toBeCloseTo(expected[i], 12);
  });

  it('rejects bad input with RcfInputError before any work, and keeps working', async () => {
    const points = randomPoints(100, 2, 5);
    points[41] = NaN;
    await expect(pool.scoreBatch(points, 2, {}, { columns: ['x', 'y'] })).rejects.toThrow(/column 'y' row 20: NaN/);
    await expect(pool.scoreBatch(new Float64Array(0), 2, {})).rejects.toBeInstanceOf(RcfInputError);
    await expect(pool.scoreBatch(randomPoints(10, 2, 1), 2, { numTrees: -1 })).rejects.toBeInstanceOf(RcfInputError);
    const bytes = (await pool.scoreBatch(randomPoints(50, 2, 6), 2, { numTrees: 3 })).model;
    await expect(pool.scoreBatch(randomPoints(10, 3, 1), 3, {}, { model: bytes })).rejects.toThrow(/trained on 2 columns/);
    const ok = await pool.scoreBatch(randomPoints(50, 2, 6), 2, { numTrees: 5 });
    expect(ok.scores).toHaveLength(50);
  });

  it('cancels promptly and stays usable', async () => {
    const points = randomPoints(400000, 10, 8);
    const controller = new AbortController();
    const started = performance.now();
    const run = pool.scoreBatch(points, 10, { numTrees: 100 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(2000);
    const after = await pool.scoreBatch(randomPoints(1000, 2, 9), 2, { numTrees: 5 });
    expect(after.scores).toHaveLength(1000);
  });
});

describe('scoring pool with dying workers', { timeout: 30000 }, () => {
  it('replaces a worker that dies and retries its chunk', async () => {
    const pool = createScoringPool({ size: 2, entry: crashingEntry(true) });
    try {
      const points = randomPoints(50000, 2, 10);
      const params = { numTrees: 20, seed: 1 };
      const { scores } = await pool.scoreBatch(points, 2, params);
      expect(scores).toEqual(scoreForest(trainForest(points, 2, params), points));
    } finally {
      await pool.close();
    }
  });

  it('fails the run with a clear error when the retry dies too', async () => {
    const pool = createScoringPool({ size: 1, entry: crashingEntry(false) });
    try {
      await expect(pool.scoreBatch(randomPoints(1000, 2, 11), 2, { numTrees: 5 })).rejects.toThrow(/died twice on the same chunk/);
    } finally {
      await pool.close();
    }
  });

  it('fails jobs cleanly when workers cannot even start', async () => {
    const file = join(tmp, 'broken.ts');
    writeFileSync(file, "throw new Error('this build is broken');\n");
    const pool = createScoringPool({ size: 1, entry: pathToFileURL(file) });
    try {
      await expect(pool.scoreBatch(randomPoints(100, 2, 12), 2, { numTrees: 5 })).rejects.toThrow(/fail to start \(this build is broken\)/);
    } finally {
      await pool.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/rcf/random.ts';
import { resolveForest } from '../../../electron/streams/definition.ts';
import { scoreKeysInWorkers } from '../../../electron/streams/scorer.ts';
import { scoreKeyStream } from '../../../electron/streams/streamScore.ts';

const settings = resolveForest({ numTrees: 10, samplesPerTree: 32, shingleSize: 2, seed: 1 });
const windows = (n: number, seed: number) => {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * 2 }, () => rng.next());
};

// The workers compile TypeScript on first use.
describe('scoreKeysInWorkers (its own worker pool per call)', { timeout: 30000 }, () => {
  it('scores each key as scoreKeyStream does in this thread, reporting each key done', async () => {
    const keys = [200, 50, 120].map((n, i) => ({ key: `k${i}`, points: windows(n, i) }));
    const done: number[] = [];
    const scored = await scoreKeysInWorkers(keys, 2, settings, { workers: 2, onKeyDone: (n) => done.push(n) });
    for (const [i, k] of keys.entries()) expect(scored[i].scores).toEqual(scoreKeyStream(k.points, 2, settings).scores);
    expect(done.sort((a, b) => a - b)).toEqual([50, 120, 200]);
  });

  it("fails with the key's name when its work fails, and as cancelled when aborted before", async () => {
    const bad = [
      { key: 'fine', points: windows(40, 1) },
      { key: 'garbled', points: windows(40, 2), resume: new Uint8Array([1, 2, 3]) },
    ];
    await expect(scoreKeysInWorkers(bad, 2, settings)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/scoring "garbled" failed: the saved forest cannot be read/),
    });
    const ac = new AbortController();
    ac.abort();
    await expect(scoreKeysInWorkers(bad, 2, settings, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await scoreKeysInWorkers([], 2, settings)).toEqual([]);
  });
});

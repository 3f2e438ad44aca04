import { describe, expect, it } from 'vitest';
import { resolveForest, validateDefinition } from '../../../electron/streams/definition.ts';
import { forestBasis, historyDigest, planContinue, type KeyWindows, type SavedForest } from '../../../electron/streams/continuation.ts';

const def = validateDefinition({ name: 's', sourceTable: 't', timeColumn: 'ts', window: '10s', keyColumn: 'k', measures: [{ name: 'n', kind: 'count' }] });
const basis = forestBasis(def, resolveForest({}));
const T0 = Date.parse('2024-01-01T00:00:00Z');

function key(name: string, values: number[], firstWindow = T0): KeyWindows {
  return { key: name, firstWindow, points: Float64Array.from(values) };
}

function saved(k: KeyWindows, learned: number, over: Partial<SavedForest> = {}): SavedForest {
  return {
    key: k.key,
    runId: 'r1',
    basis,
    firstWindow: k.firstWindow,
    learned,
    history: historyDigest(k.points, learned, 1),
    state: new Uint8Array(8),
    ...over,
  };
}

describe('forestBasis', () => {
  it('changes with the source, window, key, measures and forest, not with the name or threshold', () => {
    expect(forestBasis({ ...def, name: 'other', threshold: { kind: 'sigma', k: 3 } }, resolveForest({}))).toBe(basis);
    expect(forestBasis({ ...def, window: '10 s' }, resolveForest({}))).toBe(basis); // the same seconds
    for (const changed of [
      forestBasis({ ...def, windowSeconds: 20 }, resolveForest({})),
      forestBasis({ ...def, sourceTable: 'u' }, resolveForest({})),
      forestBasis({ ...def, keyColumn: undefined }, resolveForest({})),
      forestBasis({ ...def, measures: [{ name: 'n', kind: 'count', where: 'x > 1' }] }, resolveForest({})),
      forestBasis(def, resolveForest({ shingleSize: 2 })),
      forestBasis(def, resolveForest({ timeDecay: 0 })),
    ]) {
      expect(changed).not.toBe(basis);
    }
  });
});

describe('planContinue', () => {
  const a = key('a', [1, 2, 3, 4, 5]);
  const b = key('b', [5, 4, 3, 2, 1]);

  it('continues when every saved key learned windows that are unchanged; new keys are simply not in the plan', () => {
    const now = [key('a', [1, 2, 3, 4, 5, 6, 7]), key('b', [5, 4, 3, 2, 1, 0, 0]), key('c', [9, 9, 9, 9, 9, 9, 9])];
    // The last scored window (index 4) may have grown since: only the 4 learned ones must match.
    now[0].points[4] = 50;
    const plan = planContinue([saved(a, 4), saved(b, 4)], basis, now, 1);
    expect(plan).toEqual({ continuation: { runId: 'r1', learned: 4, firstWindow: T0, saved: expect.any(Map) } });
    if (!('continuation' in plan)) throw new Error('expected a continuation');
    expect([...plan.continuation.saved.keys()]).toEqual(['a', 'b']);
  });

  it('says why it has to rescore', () => {
    expect(planContinue([], basis, [a], 1)).toEqual({ rescore: expect.stringMatching(/no saved forests/) });
    expect(planContinue([saved(a, 4, { basis: '{}' })], basis, [a], 1)).toEqual({ rescore: expect.stringMatching(/definition or forest settings changed/) });
    expect(planContinue([saved(a, 4), saved(b, 4, { runId: 'r0' })], basis, [a, b], 1)).toEqual({ rescore: expect.stringMatching(/not belong to one run/) });
    expect(planContinue([saved(a, 4), saved(b, 3)], basis, [a, b], 1)).toEqual({ rescore: expect.stringMatching(/not belong to one run/) });
    expect(planContinue([saved(a, 4), saved(b, 4)], basis, [a], 1)).toEqual({ rescore: expect.stringMatching(/key "b" is no longer in the data/) });
    const edited = key('a', [1, 2, 7, 4, 5]);
    expect(planContinue([saved(a, 4)], basis, [edited], 1)).toEqual({ rescore: expect.stringMatching(/already-scored windows of key "a" changed/) });
    const earlier = key('a', [0, 1, 2, 3, 4, 5], T0 - 10_000);
    expect(planContinue([saved(a, 4)], basis, [earlier], 1)).toEqual({ rescore: expect.stringMatching(/already-scored windows of key "a"/) });
    expect(planContinue([saved(a, 4)], basis, [key('a', [1, 2, 3])], 1)).toEqual({ rescore: expect.stringMatching(/already-scored windows/) });
    expect(planContinue([saved(key('', [1, 2]), 1)], basis, [key('', [3, 2])], 1)).toEqual({ rescore: expect.stringMatching(/key "\(all\)"/) });
  });
});

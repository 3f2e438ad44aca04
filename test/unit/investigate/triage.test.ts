import { describe, expect, it } from 'vitest';
import { triageAction, type KeyLike } from '../../../renderer/src/views/investigate/keyboard.ts';
import { attributionTraces, breakAtGaps } from '../../../renderer/src/views/investigate/plots.ts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('keyboard triage keys', () => {
  it('maps J/K and the arrows to moves, Shift to extending the selection', () => {
    expect(triageAction(key('j'), false)).toEqual({ kind: 'move', by: 1, extend: false });
    expect(triageAction(key('ArrowUp'), false)).toEqual({ kind: 'move', by: -1, extend: false });
    expect(triageAction(key('J', { shiftKey: true }), false)).toEqual({ kind: 'move', by: 1, extend: true });
  });

  it('maps B, F, R to the verdicts, N to the note, U and Ctrl+Z to undo, ? to the sheet', () => {
    expect(triageAction(key('b'), false)).toEqual({ kind: 'verdict', verdict: 'ban' });
    expect(triageAction(key('F'), false)).toEqual({ kind: 'verdict', verdict: 'false_positive' }); // caps lock
    expect(triageAction(key('r'), false)).toEqual({ kind: 'verdict', verdict: 'review' });
    expect(triageAction(key('n'), false)).toEqual({ kind: 'note' });
    expect(triageAction(key('u'), false)).toEqual({ kind: 'undo' });
    expect(triageAction(key('z', { ctrlKey: true }), false)).toEqual({ kind: 'undo' });
    expect(triageAction(key('?', { shiftKey: true }), false)).toEqual({ kind: 'help' });
  });

  it('leaves typed text, browser shortcuts and unknown keys alone', () => {
    expect(triageAction(key('b'), true)).toBeNull();
    expect(triageAction(key('j'), true)).toBeNull();
    expect(triageAction(key('Escape'), true)).toEqual({ kind: 'close' });
    expect(triageAction(key('r', { ctrlKey: true }), false)).toBeNull();
    expect(triageAction(key('B', { shiftKey: true }), false)).toBeNull();
    expect(triageAction(key('q'), false)).toBeNull();
  });
});

describe('drill-down traces', () => {
  it('breaks the score line at session gaps, not between ordinary events', () => {
    const min = 60_000;
    const t = [0, 1, 2, 3, 4, 600, 601, 602].map((m) => m * min);
    const line = breakAtGaps(t, [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(line.breaks).toBe(1);
    expect(line.y).toEqual([1, 2, 3, 4, 5, null, 6, 7, 8]);
    expect(breakAtGaps([0, min, 2 * min], [1, 2, 3]).breaks).toBe(0);
  });

  it("gives a feature's high and low attribution different colours", () => {
    const traces = attributionTraces({ featureColumns: ['x', 'y'], rows: [{ rowId: 1, high: [0.5, 0.1], low: [0.2, 0.2] }] }) as {
      name: string;
      marker: { color: string };
    }[];
    expect(traces.map((t) => t.name)).toEqual(['x high', 'x low', 'y high', 'y low']);
    expect(new Set(traces.map((t) => t.marker.color)).size).toBe(4);
  });
});

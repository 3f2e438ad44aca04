import { describe, expect, it } from 'vitest';
import { checkZone, inAnyZoneSql } from '../../../electron/investigate/zones.ts';

describe('zones', () => {
  it('accepts corners in either order and refuses a zone without a name or with a non-number', () => {
    expect(checkZone({ name: ' Spawn ', x0: 50, x1: 10, y0: 60, y1: 10 })).toEqual({ name: 'Spawn', x0: 10, x1: 50, y0: 10, y1: 60 });
    expect(() => checkZone({ name: '', x0: 0, x1: 1, y0: 0, y1: 1 })).toThrow(/name/);
    expect(() => checkZone({ name: 'a', x0: Number.NaN, x1: 1, y0: 0, y1: 1 })).toThrow(/x0/);
  });

  it('writes inclusive bounds as SQL, false when there are no zones', () => {
    expect(inAnyZoneSql([{ id: 1, name: 'r', x0: 1000, x1: 1200, y0: 0, y1: 400 }], 'x', 'y')).toBe('((x BETWEEN 1000 AND 1200 AND y BETWEEN 0 AND 400))');
    expect(inAnyZoneSql([], 'x', 'y')).toBe('false');
  });
});

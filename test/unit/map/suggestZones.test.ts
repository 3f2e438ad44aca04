import { describe, expect, it } from 'vitest';
import { suggestZones, type PrivateVisit } from '../../../electron/map/suggestZones.ts';

/** A player's rows in every cell of a rectangle (cx0..cx1-1 × cy0..cy1-1). */
const patch = (pidx: number, cx0: number, cx1: number, cy0: number, cy1: number, rows = 5): PrivateVisit[] => {
  const out: PrivateVisit[] = [];
  for (let cx = cx0; cx < cx1; cx++) for (let cy = cy0; cy < cy1; cy++) out.push({ pidx, cx, cy, rows });
  return out;
};
/** A one-cell-wide trail, as a player passing through leaves. */
const trail = (pidx: number, cx0: number, cy: number, length: number, rows = 2): PrivateVisit[] =>
  Array.from({ length }, (_, i) => ({ pidx, cx: cx0 + i, cy: cy + (i % 2), rows }));

describe('suggestZones', () => {
  it('suggests a broad dwelt-in patch, not the trails or the specks around it', () => {
    const visits = [...patch(7, 10, 16, 20, 26), ...trail(1, 30, 5, 40), ...trail(2, 0, 40, 25, 6), ...patch(3, 50, 52, 50, 52, 50)];
    const s = suggestZones(visits);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ cx0: 10, cx1: 16, cy0: 20, cy1: 26, cells: 36, rows: 180, players: [7], breadth: 6 });
  });

  it('merges two players dwelling in one place; keeps apart places that merely touch', () => {
    const visits = [...patch(1, 0, 8, 0, 8), ...patch(2, 2, 9, 1, 8), ...patch(3, 9, 15, 0, 8)];
    const s = suggestZones(visits, { relative: 0 });
    expect(s.map((z) => z.players)).toEqual([[1, 2], [3]]);
    expect(s[0]).toMatchObject({ cx0: 0, cx1: 9, cy0: 0, cy1: 8, cells: 8 * 8 + 7 });
  });

  it('ranks by rows × breadth, drops those far below the best, and caps the count', () => {
    const far = (i: number, rows: number) => patch(100 + i, i * 20, i * 20 + 4, 0, 4, rows);
    const visits = [10, 9, 8, 7, 6.5, 6.2, 2].flatMap((rows, i) => far(i, rows));
    expect(suggestZones(visits).map((z) => z.players[0])).toEqual([100, 101, 102, 103, 104]);
    expect(suggestZones(visits, { limit: 10 }).map((z) => z.players[0])).toEqual([100, 101, 102, 103, 104, 105]);
    expect(suggestZones(visits, { relative: 0.75 }).map((z) => z.players[0])).toEqual([100, 101, 102]);
  });

  it('gives nothing for no visits or only small patches', () => {
    expect(suggestZones([])).toEqual([]);
    expect(suggestZones(patch(1, 0, 2, 0, 2, 1000))).toEqual([]);
  });
});

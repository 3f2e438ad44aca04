import { describe, expect, it } from 'vitest';
import { cellValue } from '../../../shared/api/columns.ts';
import type { FlaggedPlayer } from '../../../shared/api/investigate.ts';
import { selectRows, TABLE_COLUMNS, toBatch } from '../../../electron/investigate/table.ts';

function p(rank: number, over: Partial<FlaggedPlayer> = {}): FlaggedPlayer {
  return {
    rank,
    pidx: 100 + rank,
    uclass: 'mage',
    ulevel: rank,
    rows: 10 * rank,
    anomalousRows: null,
    maxScore: null,
    meanScore: null,
    zoneEntries: 0,
    dwellSeconds: 0,
    longestStep: 1,
    fastestSpeed: 1,
    teleports: 0,
    fastRun: 0,
    firstSeen: '2018-10-10T00:00:00.000Z',
    lastSeen: '2018-10-11T00:00:00.000Z',
    flaggedBy: 'rules',
    reasons: [],
    playerScore: null,
    topReason: '',
    suspicion: 1,
    verdict: null,
    note: null,
    ...over,
  };
}

const players = [
  p(1, { maxScore: 2, reasons: ['entered Red zone 1×'] }),
  p(2, { maxScore: null, verdict: 'ban', note: 'cheater' }),
  p(3, { maxScore: 3, flaggedBy: 'forest', uclass: 'healer' }),
];

describe('flagged table paging', () => {
  it('keeps the ranking by default and pages', () => {
    expect(selectRows(players, { offset: 1, limit: 5 }).rows.map((r) => r.rank)).toEqual([2, 3]);
    expect(selectRows(players, { offset: 0, limit: 5, sort: 'rank', desc: true }).rows.map((r) => r.rank)).toEqual([3, 2, 1]);
  });

  it('sorts by any column with nulls last in both directions', () => {
    expect(selectRows(players, { offset: 0, limit: 5, sort: 'max_score', desc: true }).rows.map((r) => r.rank)).toEqual([3, 1, 2]);
    expect(selectRows(players, { offset: 0, limit: 5, sort: 'max_score' }).rows.map((r) => r.rank)).toEqual([1, 3, 2]);
    expect(() => selectRows(players, { offset: 0, limit: 5, sort: 'nope' })).toThrow(/cannot sort by "nope"/);
  });

  it('filters by source, verdict and free text', () => {
    expect(selectRows(players, { offset: 0, limit: 5, flaggedBy: 'forest' }).rows.map((r) => r.rank)).toEqual([3]);
    expect(selectRows(players, { offset: 0, limit: 5, verdict: 'none' }).matching).toBe(2);
    expect(selectRows(players, { offset: 0, limit: 5, verdict: 'ban' }).rows[0].rank).toBe(2);
    expect(selectRows(players, { offset: 0, limit: 5, search: 'red ZONE' }).rows[0].rank).toBe(1);
    expect(selectRows(players, { offset: 0, limit: 5, search: 'healer' }).rows[0].rank).toBe(3);
  });

  it('matches a numeric search to the player id exactly, and by prefix only when asked with *', () => {
    const ids = [p(1, { pidx: 29 }), p(2, { pidx: 129 }), p(3, { pidx: 290, note: 'seen with 29' }), p(4, { pidx: 2 })];
    const found = (search: string) => selectRows(ids, { offset: 0, limit: 9, search }).rows.map((r) => r.pidx);
    expect(found('29')).toEqual([29]);
    expect(found(' 29 ')).toEqual([29]);
    expect(found('29*')).toEqual([29, 290]);
    expect(found('with 29')).toEqual([290]);
    expect(found('7')).toEqual([]);
  });

  it('turns rows into typed columns for the grid', () => {
    const batch = toBatch(players);
    expect(batch.columns.map((c) => c.name)).toEqual(TABLE_COLUMNS.map((c) => c.name));
    const col = (n: string) => batch.columns.find((c) => c.name === n)!;
    expect(cellValue(col('max_score'), 1)).toBeNull();
    expect(cellValue(col('max_score'), 2)).toBe(3);
    expect(cellValue(col('verdict'), 1)).toBe('ban');
    expect(cellValue(col('first_seen'), 0)).toBe('2018-10-10 00:00:00');
  });
});

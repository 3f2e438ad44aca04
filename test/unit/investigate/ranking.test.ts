import { describe, expect, it } from 'vitest';
import type { RuleSettings } from '../../../shared/api/investigate.ts';
import { rankPlayers, type PlayerEvidence } from '../../../electron/investigate/ranking.ts';

const settings: RuleSettings = { teleportStep: 200, maxSpeed: 10, speedSteps: 5, minAnomalousRows: 3 };

function player(pidx: number, over: Partial<PlayerEvidence> = {}): PlayerEvidence {
  return {
    pidx,
    uclass: 'mage',
    ulevel: 10,
    rows: 100,
    zoneEntries: 0,
    dwellSeconds: 0,
    zoneNames: [],
    longestStep: 5,
    fastestSpeed: 5,
    teleports: 0,
    fastRun: 0,
    firstSeen: '2018-10-10T00:00:00.000Z',
    lastSeen: '2018-10-11T00:00:00.000Z',
    forest: null,
    verdict: null,
    note: null,
    ...over,
  };
}

const forest = (anomalousRows: number, excess: number, maxScore = 2) => ({ anomalousRows, maxScore, meanScore: 1, excess });

describe('ranking: rules fired + forest strength', () => {
  it('puts every rule above any forest-only player, and more rules above fewer', () => {
    const ranked = rankPlayers(
      [
        player(1, { forest: forest(500, 90, 3.5) }), // the strongest forest signal, no rule
        player(2, { teleports: 3, longestStep: 900 }),
        player(3, { zoneEntries: 2, zoneNames: ['Red zone'], fastRun: 7, forest: forest(10, 5) }),
        player(4, { fastRun: 4 }), // below the N consecutive steps: no rule
      ],
      settings,
      1.1,
    );
    expect(ranked.map((p) => p.pidx)).toEqual([3, 2, 1, 4]);
    expect(ranked.map((p) => p.flaggedBy)).toEqual(['both', 'rules', 'forest', 'none']);
    expect(ranked[0].suspicion).toBeCloseTo(2 + 5 / 90, 9);
    expect(ranked[2].suspicion).toBe(1);
    expect(ranked.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
  });

  it('orders forest-only players by their score mass above the cut-off, ties by max score then pidx', () => {
    const ranked = rankPlayers([player(7, { forest: forest(5, 10, 2) }), player(5, { forest: forest(5, 10, 2) }), player(6, { forest: forest(5, 10, 3) }), player(8, { forest: forest(50, 40) })], settings, 1);
    expect(ranked.map((p) => p.pidx)).toEqual([8, 6, 5, 7]);
  });

  it('needs minAnomalousRows rows above the cut-off before the forest flags a player', () => {
    const [p] = rankPlayers([player(9, { forest: forest(2, 1) })], settings, 1);
    expect(p.flaggedBy).toBe('none');
    expect(p.suspicion).toBe(0);
    expect(p.anomalousRows).toBe(2);
  });

  it('explains itself: rule reasons first, then the forest', () => {
    const [p] = rankPlayers([player(3, { zoneEntries: 2, dwellSeconds: 61.4, zoneNames: ['Red zone'], teleports: 1, longestStep: 812.25, fastRun: 9, fastestSpeed: 60, forest: forest(12, 3, 2.5) })], settings, 1.25);
    expect(p.reasons).toEqual([
      'entered Red zone 2× (dwell 61 s)',
      'teleported 1× (longest step 812.3)',
      'speed > 10/move for 9 steps in a row (fastest 60)',
      'forest: 12 rows ≥ 1.25 (max 2.5)',
    ]);
  });
});

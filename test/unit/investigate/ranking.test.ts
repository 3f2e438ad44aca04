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
const profile = (score: number, cutoff = 1.5) => ({ score, cutoff, top: { label: 'timing regularity (CV of gaps)', value: 0.0031, median: 1.1, digits: 3 } });

describe('ranking: rules fired + player-forest strength', () => {
  it('puts every rule above any forest-only player, and more rules above fewer', () => {
    const ranked = rankPlayers(
      [
        player(1, { player: profile(3.5), forest: forest(500, 90, 3.5) }), // the strongest forest signal, no rule
        player(2, { teleports: 3, longestStep: 900 }),
        player(3, { zoneEntries: 2, zoneNames: ['Red zone'], fastRun: 7, player: profile(2), forest: forest(10, 5) }),
        player(4, { fastRun: 4, player: profile(1.2) }), // below the N consecutive steps and the player cut-off: nothing
      ],
      settings,
      1.1,
    );
    expect(ranked.map((p) => p.pidx)).toEqual([3, 2, 1, 4]);
    expect(ranked.map((p) => p.flaggedBy)).toEqual(['both', 'rules', 'forest', 'none']);
    expect(ranked[0].suspicion).toBeCloseTo(2 + 2 / 3.5, 9);
    expect(ranked[2].suspicion).toBe(1);
    expect(ranked.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    expect(ranked[3].playerScore).toBe(1.2);
  });

  it('orders forest-only players by player score, ties by max row score then pidx', () => {
    const ranked = rankPlayers(
      [
        player(7, { player: profile(2), forest: forest(5, 10, 2) }),
        player(5, { player: profile(2), forest: forest(5, 10, 2) }),
        player(6, { player: profile(2), forest: forest(5, 10, 3) }),
        player(8, { player: profile(4) }),
      ],
      settings,
      1,
    );
    expect(ranked.map((p) => p.pidx)).toEqual([8, 6, 5, 7]);
  });

  it('treats the row forest as evidence, not a flag', () => {
    const [p] = rankPlayers([player(9, { forest: forest(200, 50) })], settings, 1);
    expect(p.flaggedBy).toBe('none');
    expect(p.suspicion).toBe(0);
    expect(p.anomalousRows).toBe(200);
    expect(p.reasons).toEqual(['row forest: 200 rows ≥ 1 (max 2)']);
  });

  it('explains itself: rule reasons first, then the profile, then the row forest; the first is the top reason', () => {
    const [p] = rankPlayers(
      [
        player(3, {
          zoneEntries: 2,
          dwellSeconds: 61.4,
          zoneNames: ['Red zone'],
          teleports: 1,
          longestStep: 812.25,
          fastRun: 9,
          fastestSpeed: 60,
          player: profile(2.5),
          forest: forest(12, 3, 2.5),
        }),
      ],
      settings,
      1.25,
    );
    expect(p.reasons).toEqual([
      'entered Red zone 2× (dwell 61 s)',
      'teleported 1× (longest step 812.3)',
      'speed > 10/move for 9 steps in a row (fastest 60)',
      'profile: timing regularity (CV of gaps) 0.0031 (population median 1.1); player score 2.5 ≥ 1.5',
      'row forest: 12 rows ≥ 1.25 (max 2.5)',
    ]);
    expect(p.topReason).toBe('entered Red zone 2× (dwell 61 s)');
    const [bot] = rankPlayers([player(4, { player: profile(3) })], settings, null);
    expect(bot.topReason).toBe('profile: timing regularity (CV of gaps) 0.0031 (population median 1.1); player score 3 ≥ 1.5');
  });
});

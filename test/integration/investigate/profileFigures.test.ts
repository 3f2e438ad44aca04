import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildPlayerTable } from '../../../electron/investigate/playerTable.ts';
import { listZones } from '../../../electron/investigate/zones.ts';
import { insertPaths, tempApp } from '../syntheticLake.ts';

/**
 * Profile figures on paths whose answer is known by hand: a dead-straight walk, a zig-zag along the
 * same line. Straightness is the net distance over the path across 10 events, so a player's first 10
 * events have no figure (there is no event 10 back), neither straight nor not.
 */
describe('player profile figures on known paths', () => {
  let temp: Awaited<ReturnType<typeof tempApp>>;
  let profile: Map<number, Record<string, unknown>>;
  beforeAll(async () => {
    temp = await tempApp('rz-profile-');
    const { app } = temp;
    // 40 events a minute apart, 3 units east each; the zig-zag also steps 3 north or south every time.
    await insertPaths(
      app.services.ws.db,
      `SELECT 1 AS pidx, i, 100 + 3 * i AS x, 200 AS y FROM range(40) t(i)
       UNION ALL SELECT 2, i, 100 + 3 * i, 200 + 3 * (i % 2) FROM range(40) t(i)`,
    );
    const conn = await app.services.ws.connect();
    try {
      const manual = { teleportStep: 200, maxSpeed: 10, speedSteps: 3, minAnomalousRows: 1 };
      await rebuildPlayerTable(conn, await listZones(app.services.ws), manual, [], { upTo: 1, commit: async () => {} });
      const r = (await conn.runAndReadAll('SELECT * FROM rz_player_profile ORDER BY pidx')).getRowObjectsJS();
      profile = new Map(r.map((p) => [Number(p.pidx), p]));
    } finally {
      conn.closeSync();
    }
  }, 60_000);
  afterAll(() => temp.close());

  it('counts only events with 10 before them: the straight walk is straight from its 11th event on', () => {
    const p = profile.get(1)!;
    expect(Number(p.straight_run)).toBe(30);
    expect(p.straight_share).toBe(1);
  });

  it('finds no straight stretch in a zig-zag', () => {
    const p = profile.get(2)!;
    expect(Number(p.straight_run)).toBe(0);
    expect(p.straight_share).toBe(0);
  });

  it('measures steps, moves and distinct places', () => {
    const [a, b] = [profile.get(1)!, profile.get(2)!];
    expect(a.step_p50).toBe(3);
    expect(b.step_p50).toBeCloseTo(Math.sqrt(18), 12);
    // 39 moves to 39 distinct places each.
    expect(a.loop_share).toBe(1);
    expect(b.loop_share).toBe(1);
    expect(Number(a.sessions)).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RuleSettings, Zone } from '../../../shared/api/investigate.ts';
import { rebuildPlayerTable, updatePlayerTable, type PassLayout } from '../../../electron/investigate/playerTable.ts';
import { listZones, saveZone } from '../../../electron/investigate/zones.ts';
import { demoApp, type DemoApp } from './demoWorkspace.ts';

/**
 * The per-player table is built pass by pass over hash-split players (issue #17: bounded memory at
 * lab scale). Players are independent, so any split must give the same table as one pass; only the
 * rules' sample is a choice, and with the whole population as the sample nothing may differ.
 */
describe('player table in passes', () => {
  let demo: DemoApp;
  let conn: DuckDBConnection;
  let zones: Zone[];
  let players: number;
  const manual: RuleSettings = { teleportStep: 200, maxSpeed: 10, speedSteps: 3, minAnomalousRows: 1 };
  const whole: PassLayout = { passRows: 1e12, sampleRows: 1e12 };
  // 60,000 rows: four passes, the rules still learned from everyone.
  const split: PassLayout = { passRows: 15_000, sampleRows: 1e12 };

  beforeAll(async () => {
    demo = await demoApp({ players: 120, rows: 60_000, seed: 4, days: 1 });
    await saveZone(demo.app.services.ws, { name: 'Red zone', x0: 1000, x1: 1200, y0: 0, y1: 400 });
    zones = await listZones(demo.app.services.ws);
    conn = await demo.app.services.ws.connect();
    players = Number((await conn.runAndReadAll('SELECT count(DISTINCT pidx) FROM lake_playlog_data')).getRows()[0][0]);
  }, 60_000);
  afterAll(async () => {
    conn.closeSync();
    await demo.close();
  });

  // Per-player sums may add up in another order in another pass: compared to 12 significant digits.
  const round = (_: string, v: unknown) => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? +v.toPrecision(12) : v);
  const table = async (sql: string) => JSON.stringify((await conn.runAndReadAll(sql)).getRowObjectsJS(), round);
  const snapshot = async () => ({
    profiles: await table('SELECT * FROM rz_player_profile ORDER BY pidx'),
    evidence: await table('SELECT * FROM rz_player_evidence ORDER BY pidx'),
    grid: await table('SELECT * FROM rz_place_grid'),
    cells: await table('SELECT * FROM rz_place_cell ORDER BY ALL'),
    learned: await table('SELECT * EXCLUDE (computed_at) FROM rz_rule_learned'),
  });
  const upTo = 1e9;
  const rebuild = (layout: PassLayout) => rebuildPlayerTable(conn, zones, manual, [], { upTo, layout, commit: async () => {} });

  it('gives every player the same profile, evidence and cells in four passes as in one', async () => {
    await rebuild(whole);
    const one = await snapshot();
    expect(JSON.parse(one.profiles)).toHaveLength(players);
    expect(JSON.parse(one.evidence).some((e: { zone_entries: number }) => e.zone_entries > 0)).toBe(true);
    await rebuild(split);
    expect(await snapshot()).toEqual(one);
  });

  it('recomputes a scope of players the same in passes as in one', async () => {
    const basis = await rebuild(whole);
    const after = Number((await conn.runAndReadAll('SELECT quantile_disc(file_id, 0.5) FROM lake_playlog_data')).getRows()[0][0]);
    const scoped = async (layout: PassLayout) => {
      await rebuild(whole);
      const recomputed = await updatePlayerTable(conn, zones, basis, after, { upTo, layout, commit: async () => {} });
      return { recomputed, table: await snapshot() };
    };
    const one = await scoped(whole);
    expect(one.recomputed).toBeGreaterThan(0);
    expect(await scoped(split)).toEqual(one);
  });

  it('learns the rules from the first pass when it is the sample, close to the whole population', async () => {
    const all = await rebuild(whole);
    const sampled = await rebuild({ passRows: 15_000, sampleRows: 15_000 });
    const learned = (await conn.runAndReadAll('SELECT players FROM rz_rule_learned')).getRows()[0];
    // About a quarter of the players, picked by a hash of pidx.
    expect(Number(learned[0])).toBeGreaterThan(players / 8);
    expect(Number(learned[0])).toBeLessThan(players / 2);
    expect(JSON.parse((await snapshot()).profiles)).toHaveLength(players);
    for (const k of ['teleportStep', 'maxSpeed'] as const) {
      expect(sampled.rules[k] / all.rules[k]).toBeGreaterThan(0.7);
      expect(sampled.rules[k] / all.rules[k]).toBeLessThan(1.4);
    }
  });

  it('reads only the files up to the one it was given, whatever lands meanwhile', async () => {
    const half = Number((await conn.runAndReadAll('SELECT quantile_disc(file_id, 0.5) FROM lake_playlog_data')).getRows()[0][0]);
    await rebuildPlayerTable(conn, zones, manual, [], { upTo: half, layout: split, commit: async () => {} });
    const rows = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
    expect(await rows('SELECT sum(rows) FROM rz_player_profile')).toBe(await rows(`SELECT count(*) FROM lake_playlog_data WHERE file_id <= ${half}`));
  });
});

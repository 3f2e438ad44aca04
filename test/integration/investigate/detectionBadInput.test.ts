import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { App } from '../../../electron/api/app.ts';
import { ruleSettings } from '../../../electron/investigate/evidence.ts';
import { flaggedPlayers } from '../../../electron/investigate/flagged.ts';
import { playerDetail } from '../../../electron/investigate/player.ts';
import { insertPaths, tempApp } from '../syntheticLake.ts';

/**
 * Issue #18's bad inputs: the per-player stage (profiles, learned rules, player forest, flagged list)
 * gives a sensible result or a clear message, never a crash or a NaN score.
 * Each case is a SELECT of (pidx, i, x, y): the player's i-th event at (x, y), a minute apart.
 */
const CASES: { name: string; rows: string }[] = [
  { name: 'a single player', rows: 'SELECT 7 AS pidx, i, 100 + i * 3 AS x, 200 + (i % 7) AS y FROM range(200) t(i)' },
  { name: 'players with one event each', rows: 'SELECT i AS pidx, 0 AS i, (i * 37) % 1000 AS x, (i * 91) % 800 AS y FROM range(300) t(i)' },
  { name: 'all players identical', rows: 'SELECT p AS pidx, i, 10 + i * 2 AS x, 20 + i AS y FROM range(40) a(p), range(60) b(i)' },
  { name: 'no movement at all', rows: 'SELECT p AS pidx, i, 50 AS x, 60 AS y FROM range(50) a(p), range(40) b(i)' },
  {
    name: 'NaN and huge coordinates',
    rows: `SELECT p AS pidx, i,
             CASE WHEN p = 3 AND i = 5 THEN 'NaN'::DOUBLE WHEN p = 4 AND i = 9 THEN 1e300 WHEN p = 5 THEN 1e15 + i ELSE p * 10 + i END AS x,
             CASE WHEN p = 6 AND i = 2 THEN '-inf'::DOUBLE ELSE 100 + (i * p) % 13 END AS y
           FROM range(60) a(p), range(30) b(i)`,
  },
];

describe.each(CASES)('per-player detection on $name', ({ rows }) => {
  let temp: Awaited<ReturnType<typeof tempApp>>;
  let app: App;
  let scoring: { state: string; message?: string };
  beforeAll(async () => {
    temp = await tempApp('rz-det-bad-');
    app = temp.app;
    await insertPaths(app.services.ws.db, rows);
    const env = await app.router.call('scoring.start', {});
    if (!env.ok) throw new Error(env.error.message);
    const end = await app.services.jobs.wait((env.value as JobInfo).id);
    scoring = { state: end.state, message: end.error?.message };
  }, 60_000);
  afterAll(() => temp.close());

  it('scores, or refuses with a clear message', () => {
    if (scoring.state !== 'done') expect(scoring.message).toMatch(/NaN|Inf|finite|not a number|value/i);
    else expect(scoring.state).toBe('done');
  });

  it('learns finite rules and lists players without NaN', async () => {
    const list = await flaggedPlayers(app.services.ws);
    const s = await ruleSettings(app.services.ws);
    for (const v of [s.teleportStep, s.maxSpeed, s.speedSteps, s.sessionGap]) expect(Number.isFinite(v)).toBe(true);
    for (const p of list.players) {
      if (p.playerScore !== null) expect(Number.isFinite(p.playerScore)).toBe(true);
      expect(Number.isFinite(p.suspicion)).toBe(true);
    }
    expect(list.players.length).toBeLessThanOrEqual(
      Math.max(3, 0.2 * Number((await app.services.ws.db.runAndReadAll('SELECT count(DISTINCT pidx) FROM playlog')).getRows()[0][0])),
    );
    const scores = (await app.services.ws.db.runAndReadAll('SELECT count(*) FILTER (isnan(score) OR NOT isfinite(score)) FROM rz_player_run')).getRows()[0][0];
    expect(Number(scores)).toBe(0);
  });

  it('opens any player in the drill-down, profile values finite', async () => {
    const pidx = Number((await app.services.ws.db.runAndReadAll('SELECT min(pidx) FROM playlog')).getRows()[0][0]);
    const d = await playerDetail(app.services.ws, { pidx });
    for (const f of d.profile?.features ?? []) {
      expect(Number.isFinite(f.value), f.name).toBe(true);
      expect(Number.isFinite(f.median), f.name).toBe(true);
    }
  });
});

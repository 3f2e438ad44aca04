import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/api/app.ts';
import { ensureEvidence } from '../../../electron/investigate/evidence.ts';
import { saveZone } from '../../../electron/investigate/zones.ts';
import { LiveGame, type LiveObject } from '../../../electron/lake/generate/live.ts';
import { importPath } from '../../../electron/lake/import.ts';

/**
 * Follow mode's incremental player table (issue #15): when the lake only gains files, only their
 * players are recomputed, with the rules and grid the last full pass learned, and the rare-place cell
 * counts stay exact; anything else (zones, a grown play log) recomputes everyone.
 */
describe('incremental player table', () => {
  let dir: string;
  let lake: string;
  let app: Awaited<ReturnType<typeof createApp>>;
  const game = new LiveGame({ players: 150, rowsPerObject: 3000, cheaterAfter: 4, seed: 5 });
  let minute = 0;
  const nextObject = () => game.next(new Date(Date.UTC(2026, 11, 1, 10, ++minute * 2)));
  const put = async (o: LiveObject, keep?: (pidx: number) => boolean) => {
    const body = keep
      ? o.body
          .split('\n')
          .filter((l) => l && keep(JSON.parse(l).pidx))
          .join('\n') + '\n'
      : o.body;
    await mkdir(dirname(join(lake, o.key)), { recursive: true });
    await writeFile(join(lake, o.key), body);
  };
  const rows = async (sql: string) => (await app.services.ws.db.runAndReadAll(sql)).getRowObjectsJS();
  const learnedAt = async () => String((await rows('SELECT computed_at::VARCHAR AS t FROM rz_rule_learned'))[0].t);
  const profiles = async () =>
    new Map((await rows('SELECT * FROM rz_player_profile')).map((r) => [Number(r.pidx), JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v))]));
  // Every position on the stored grid, counted from scratch: what rz_place_cell must hold.
  const cellsRecount = `SELECT cx::INTEGER AS cx, cy::INTEGER AS cy, count(DISTINCT pidx)::INTEGER AS players, count(*)::BIGINT AS rows FROM (
      SELECT pidx, floor((posnewx - g.x0) / g.cell)::BIGINT AS cx, floor((posnewy - g.y0) / g.cell)::BIGINT AS cy FROM playlog, rz_place_grid g)
    WHERE abs(cx) < 1e9 AND abs(cy) < 1e9 GROUP BY ALL ORDER BY ALL`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-incr-'));
    lake = join(dir, 'lake');
    process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
    app = await createApp(join(dir, 'ws.duckdb'), () => {});
    for (let k = 0; k < 4; k++) await put(nextObject());
    await importPath(app.services.ws, lake);
    await ensureEvidence(app.services.ws);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('recomputes only the players of a new file, exactly, with the rules it had learned', async () => {
    const before = await profiles();
    const learned = await learnedAt();
    expect(before.size).toBe(150);
    const first = [...before.keys()].sort((a, b) => a - b).slice(0, 20);
    const o = nextObject();
    expect(game.cheater).not.toBeNull();
    await put(o, (p) => first.includes(p) || p === game.cheater);
    await importPath(app.services.ws, lake);
    await ensureEvidence(app.services.ws);

    expect(await learnedAt()).toBe(learned);
    const after = await profiles();
    expect(after.size).toBe(151);
    for (const [pidx, p] of before) if (!first.includes(pidx)) expect(after.get(pidx)).toBe(p);
    const counts = new Map((await rows('SELECT pidx, count(*) AS n FROM playlog GROUP BY pidx')).map((r) => [Number(r.pidx), Number(r.n)]));
    for (const pidx of [...first, game.cheater!]) {
      expect(after.get(pidx)).not.toBe(before.get(pidx));
      expect(JSON.parse(after.get(pidx)!).rows).toBe(counts.get(pidx));
    }
    // The newcomer walks into the red zone and stays: the scoped pass sees it like a full one would.
    expect(JSON.parse(after.get(game.cheater!)!).zone_share).toBeGreaterThan(0.3);
    const evidence = await rows(`SELECT zone_entries, rows FROM rz_player_evidence WHERE pidx = ${game.cheater}`);
    expect(Number(evidence[0].zone_entries)).toBeGreaterThan(0);
    expect(await rows('SELECT cx, cy, players, rows FROM rz_place_cell ORDER BY ALL')).toEqual(await rows(cellsRecount));
  });

  it('recomputes everyone when the zones change or the play log has grown by a quarter', async () => {
    const learned = await learnedAt();
    await saveZone(app.services.ws, { name: 'north', x0: 0, x1: 100, y0: 700, y1: 800 });
    await ensureEvidence(app.services.ws);
    const relearned = await learnedAt();
    expect(relearned).not.toBe(learned);
    expect(await rows('SELECT cx, cy, players, rows FROM rz_place_cell ORDER BY ALL')).toEqual(await rows(cellsRecount));

    await put(nextObject());
    await importPath(app.services.ws, lake);
    await ensureEvidence(app.services.ws);
    expect(await learnedAt()).toBe(relearned); // 3,000 rows on ~12,400: incremental
    await put(nextObject());
    await importPath(app.services.ws, lake);
    await ensureEvidence(app.services.ws);
    expect(await learnedAt()).not.toBe(relearned); // past a quarter more than it learned from
    expect(await rows('SELECT cx, cy, players, rows FROM rz_place_cell ORDER BY ALL')).toEqual(await rows(cellsRecount));
  });
});

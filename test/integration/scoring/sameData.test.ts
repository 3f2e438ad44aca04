import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../electron/lake/generate/index.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { createScoringPool, type ScoringPool } from '../../../electron/scoring/pool.ts';
import { scoringSchema } from '../../../electron/scoring/schema.ts';
import { scoreRun } from '../../../electron/scoring/service.ts';
import type { ScoreRequest } from '../../../shared/api/scoring.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

/** Every event with its score, keyed by the event's data (row_id is the import's numbering). */
async function scoresByEvent(ws: Workspace, runId: number): Promise<string[]> {
  const r = await ws.db.runAndReadAll(
    `SELECT p.pidx, p.idx, epoch_us(p.createdate), p.posnewx, p.posnewy, s.score FROM rz_score s JOIN playlog p USING (row_id)
     WHERE s.run_id = $1 ORDER BY p.pidx, p.idx, p.createdate, p.posnewx, p.posnewy, s.score`,
    [runId],
  );
  return r.getRows().map((row) => row.map(String).join(' '));
}

async function rowIdsByEvent(ws: Workspace): Promise<string[]> {
  const r = await ws.db.runAndReadAll('SELECT pidx, idx, epoch_us(createdate), row_id FROM playlog ORDER BY pidx, idx, createdate, row_id');
  return r.getRows().map((row) => row.map(String).join(' '));
}

describe('scores are a property of the data, not of the import', () => {
  let dir: string;
  let pool: ScoringPool;
  const ws: Workspace[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-same-data-'));
    const lake = join(dir, 'lake');
    await generateDemo({ out: lake, players: 60, rows: 40_000, days: 2, seed: 5 });
    // Two halves of the same lake (alternate days), imported A then B into one workspace and B then A into the other.
    const days = (await readdir(join(lake, 'playlog'), { recursive: true, withFileTypes: true })).filter(
      (e) => e.isDirectory() && /^\d{2}$/.test(e.name) && /\d{4}[\\/]\d{2}$/.test(e.parentPath),
    );
    expect(days.length).toBeGreaterThanOrEqual(2);
    const halves = [join(dir, 'a'), join(dir, 'b')];
    for (const [i, d] of days.entries()) {
      const rel = join(d.parentPath, d.name).slice(lake.length + 1);
      await cp(join(lake, rel), join(halves[i % 2], rel), { recursive: true });
    }
    await cp(join(lake, 'userlog'), join(halves[0], 'userlog'), { recursive: true });
    for (const [i, order] of [halves, [...halves].reverse()].entries()) {
      const w = await openWorkspace(join(dir, `ws-${i}.duckdb`), [lakeSchema, scoringSchema]);
      for (const half of order) await importPath(w, half);
      ws.push(w);
    }
    pool = createScoringPool({ size: 2 });
  }, 120_000);

  afterAll(async () => {
    await pool?.close();
    for (const w of ws) w.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports in different orders number the rows differently', async () => {
    const [a, b] = await Promise.all(ws.map(rowIdsByEvent));
    expect(a.length).toBe(b.length);
    expect(a.length).toBeGreaterThan(30_000);
    expect(a).not.toEqual(b);
  });

  it.each<[string, ScoreRequest]>([
    ['points', { features: 'points', trees: 30, samples: 128, seed: 7 }],
    ['a query', { query: 'SELECT row_id, pidx, posnewx, posnewy, posnewz FROM playlog', trees: 20, samples: 64, seed: 2 }],
  ])(
    'the same files and seed give identical scores and statistics in both workspaces (%s)',
    async (_, req) => {
      // Small batches: the scorer streams many of them, in each workspace's own scan order.
      const runs = await Promise.all(ws.map((w) => scoreRun(w, pool, req, new AbortController().signal, () => {}, { batchRows: 3000 })));
      expect(runs[0].rows).toBe(runs[1].rows);
      const [a, b] = await Promise.all(ws.map((w, i) => scoresByEvent(w, runs[i].id)));
      expect(a).toEqual(b);
      for (const k of ['mean', 'sd', 'min', 'max', 'cutoffValue', 'flaggedRows'] as const) expect(runs[0][k]).toBe(runs[1][k]);
      // And a different seed gives a different forest.
      const other = await scoreRun(ws[0], pool, { ...req, seed: (req.seed ?? 0) + 1 }, new AbortController().signal, () => {});
      expect(await scoresByEvent(ws[0], other.id)).not.toEqual(a);
    },
    120_000,
  );
});

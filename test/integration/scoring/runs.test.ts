import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/envelope.ts';
import { lakeSchema, syntheticFileSql } from '../../../electron/lake/schema.ts';
import { scoringSchema } from '../../../electron/scoring/schema.ts';
import { deleteRun, getRun, listRuns, recut } from '../../../electron/scoring/runs.ts';
import { scoreRun, type ScorerHandle } from '../../../electron/scoring/service.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';
import { inProcessScorer } from './inProcessScorer.ts';

/** A synthetic play log: a dense blob of 3,000 rows and 12 far-away points, keyed like the lake's. */
async function seed(ws: Workspace) {
  await ws.db.run(syntheticFileSql(0, 'synthetic'));
  await ws.db.run(`INSERT INTO lake_playlog_data
    SELECT i, x, y, 0, x - 1, y, 0, (i % 50)::INTEGER, 30000000 + i, 0, TIMESTAMP '2018-10-10' + to_seconds(i), 2018, 10, 10, 0, 0
    FROM (SELECT i, CASE WHEN i < 12 THEN 1400 + i ELSE 300 + (hash(i) % 100) END::DOUBLE AS x, CASE WHEN i < 12 THEN 900 ELSE 400 + (hash(i * 7) % 100) END::DOUBLE AS y
          FROM range(3012) t(i))`);
}

const noProgress = () => {};

describe('scoring runs in the workspace', () => {
  let dir: string;
  let ws: Workspace;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-score-'));
    ws = await openWorkspace(join(dir, 'ws.duckdb'), [lakeSchema, scoringSchema]);
    await seed(ws);
  });
  afterAll(async () => {
    ws.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores the points feature set and stores run, parameters, model and one score per row', async () => {
    const run = await scoreRun(ws, inProcessScorer, { features: 'points', trees: 50, samples: 128, seed: 3 }, new AbortController().signal, noProgress);
    expect(run).toMatchObject({
      features: 'points',
      featureColumns: ['posnewx', 'posnewy'],
      keyedByPlaylog: true,
      trees: 50,
      samples: 128,
      seed: 3,
      rows: 3012,
      cutoff: 'mean+1.5sd',
    });
    expect(run.cutoffValue).toBeCloseTo(run.mean + 1.5 * run.sd, 9);
    expect(run.modelBytes).toBeGreaterThan(1000);
    const rows = (await ws.db.runAndReadAll('SELECT count(*), count(DISTINCT row_id), count(pidx) FROM rz_score WHERE run_id = $1', [run.id]))
      .getRows()[0]
      .map(Number);
    expect(rows).toEqual([3012, 3012, 3012]);
    // The 12 far-away points are the 12 highest scores.
    const top = (await ws.db.runAndReadAll('SELECT row_id FROM rz_score WHERE run_id = $1 ORDER BY score DESC LIMIT 12', [run.id]))
      .getRows()
      .map((r) => Number(r[0]));
    expect(top.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('re-cuts without rescoring: top-N, fixed score and mean + kσ', async () => {
    const [run] = await listRuns(ws);
    const before = (await ws.db.runAndReadAll('SELECT sum(score) FROM rz_score WHERE run_id = $1', [run.id])).getRows()[0][0];
    const top = await recut(ws, run.id, 'top:12');
    expect(top.cutoff).toBe('top:12');
    expect(top.flaggedRows).toBe(12);
    const fixed = await recut(ws, run.id, 'score:1000');
    expect(fixed.flaggedRows).toBe(0);
    const sigma = await recut(ws, run.id, 'mean+3sd');
    expect(sigma.cutoffValue).toBeCloseTo(run.mean + 3 * run.sd, 9);
    expect((await ws.db.runAndReadAll('SELECT sum(score) FROM rz_score WHERE run_id = $1', [run.id])).getRows()[0][0]).toBe(before);
    await expect(recut(ws, run.id, 'median')).rejects.toThrow(/mean\+Ksd/);
  });

  it("scores any query's numeric columns, carrying row_id and pidx as keys", async () => {
    const run = await scoreRun(
      ws,
      inProcessScorer,
      { query: 'SELECT row_id, pidx, posnewx + posnewy AS s, action, source FROM playlog', trees: 20, samples: 64 },
      new AbortController().signal,
      noProgress,
    );
    expect(run.featureColumns).toEqual(['s', 'action']);
    expect(run.keyedByPlaylog).toBe(true);
    const unkeyed = await scoreRun(
      ws,
      inProcessScorer,
      { query: 'SELECT posnewx FROM playlog WHERE posnewx > 1000', trees: 10, samples: 8 },
      new AbortController().signal,
      noProgress,
    );
    expect(unkeyed.keyedByPlaylog).toBe(false);
    expect(
      (await ws.db.runAndReadAll('SELECT min(row_id), max(row_id), count(pidx) FROM rz_score WHERE run_id = $1', [unkeyed.id])).getRows()[0].map(Number),
    ).toEqual([0, 11, 0]);
  });

  it('refuses bad requests with a clear error and stores nothing', async () => {
    const count = (await listRuns(ws)).length;
    const attempt = (req: Parameters<typeof scoreRun>[2]) => scoreRun(ws, inProcessScorer, req, new AbortController().signal, noProgress);
    await expect(attempt({ query: 'SELECT source FROM playlog' })).rejects.toThrow(/no numeric columns/);
    await expect(attempt({ query: 'SELECT nope FROM playlog' })).rejects.toMatchObject({ code: 'SQL_ERROR' });
    await expect(attempt({ query: 'SELECT NULL::DOUBLE AS v FROM range(3)' })).rejects.toThrow(/NULL/);
    await expect(attempt({ trees: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(attempt({ cutoff: 'lots' })).rejects.toBeInstanceOf(ApiError);
    await expect(attempt({ query: 'SELECT 1 AS v', features: 'points' })).rejects.toThrow(/not both/);
    expect((await listRuns(ws)).length).toBe(count);
  });

  it('a run cancelled or failing while its scores are written leaves no trace', async () => {
    const before = Number((await ws.db.runAndReadAll('SELECT count(*) FROM rz_score')).getRows()[0][0]);
    const controller = new AbortController();
    // The scorer finishes, then the job is cancelled before the write: the transaction rolls back.
    const cancelling: ScorerHandle = {
      async openForest(samples, dims, params, opts) {
        const session = await inProcessScorer.openForest(samples, dims, params, opts);
        return {
          ...session,
          async score(points) {
            const r = await session.score(points);
            controller.abort();
            return r;
          },
        };
      },
      close() {},
    };
    await expect(scoreRun(ws, cancelling, { trees: 5, samples: 16 }, controller.signal, noProgress)).rejects.toMatchObject({ code: 'CANCELLED' });
    const broken: ScorerHandle = { openForest: async () => ({ model: new Uint8Array(1), score: async () => new Float64Array(3), close() {} }), close() {} };
    await expect(scoreRun(ws, broken, { trees: 5, samples: 16 }, new AbortController().signal, noProgress)).rejects.toThrow();
    expect(Number((await ws.db.runAndReadAll('SELECT count(*) FROM rz_score')).getRows()[0][0])).toBe(before);
    expect(Number((await ws.db.runAndReadAll('SELECT count(*) FROM rz_score_run')).getRows()[0][0])).toBe((await listRuns(ws)).length);
  });

  it('deletes a run with its scores', async () => {
    const [run] = await listRuns(ws);
    expect(await deleteRun(ws, run.id)).toBe(true);
    await expect(getRun(ws, run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(Number((await ws.db.runAndReadAll('SELECT count(*) FROM rz_score WHERE run_id = $1', [run.id])).getRows()[0][0])).toBe(0);
  });
});

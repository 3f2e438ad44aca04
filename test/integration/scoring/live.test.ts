import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { investigateSchema } from '../../../electron/investigate/schema.ts';
import { inboxSchema } from '../../../electron/inbox/schema.ts';
import { liveUpdate } from '../../../electron/inbox/liveUpdate.ts';
import { lakeSchema, syntheticFileSql } from '../../../electron/lake/schema.ts';
import { deserializeForest, scoreForest } from '../../../electron/rcf/index.ts';
import { idleWorkContext } from '../../../electron/jobs/context.ts';
import { liveScoring, retrainRequest, scoreNewRows } from '../../../electron/scoring/live.ts';
import { deleteRun, getRun, runModel } from '../../../electron/scoring/runs.ts';
import { scoringSchema } from '../../../electron/scoring/schema.ts';
import { scoreRun, type BatchScorer } from '../../../electron/scoring/service.ts';
import { streamsSchema } from '../../../electron/streams/schema.ts';
import { StreamsService } from '../../../electron/streams/service.ts';
import { rememberFlaggedNow } from '../../../electron/inbox/liveUpdate.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';
import { inProcessScorer } from './inProcessScorer.ts';

/** Trains like the in-process scorer, or scores with a given saved forest like the pool does. */
const scorer: BatchScorer = {
  async scoreBatch(points, dims, params, opts) {
    if (!opts.model) return inProcessScorer.scoreBatch(points, dims, params, opts);
    return { scores: scoreForest(deserializeForest(opts.model), points), model: opts.model };
  },
};
const withScorer = <T>(work: (s: BatchScorer) => Promise<T>) => work(scorer);

/** Rows `from`…`from+n-1`: a blob around (350, 450), or far away in the corner when `far`. */
async function addRows(ws: Workspace, from: number, n: number, far = false, pidx = -1) {
  const x = far ? '1400 + (i % 7)' : '300 + (hash(i) % 100)';
  const y = far ? '900' : '400 + (hash(i * 7) % 100)';
  await ws.db.run(`INSERT INTO lake_playlog_data
    SELECT i, ${x}, ${y}, 0, ${x} - 1, ${y}, 0, ${pidx >= 0 ? pidx : '(i % 50)'}::INTEGER, 30000000 + i, 0, TIMESTAMP '2018-10-10' + to_seconds(i), 2018, 10, 10, 0, 0
    FROM range(${from}, ${from + n}) t(i)`);
}

describe('live scoring with the saved forest', () => {
  let dir: string;
  let ws: Workspace;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-live-'));
    ws = await openWorkspace(join(dir, 'ws.duckdb'), [lakeSchema, scoringSchema, investigateSchema, inboxSchema, streamsSchema]);
    await ws.db.run(syntheticFileSql(0, 'synthetic'));
    await addRows(ws, 0, 3000);
  });
  afterAll(async () => {
    ws.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores only rows after the run, with the run’s own forest, and appends them to it', async () => {
    const run = await scoreRun(ws, inProcessScorer, { features: 'points', trees: 40, samples: 128, seed: 2 }, new AbortController().signal, () => {});
    expect(await scoreNewRows(ws, scorer, idleWorkContext())).toEqual({ runId: run.id, rows: 0, above: 0, players: [] });
    await addRows(ws, 3000, 500);
    const live = await scoreNewRows(ws, scorer, idleWorkContext());
    expect(live).toMatchObject({ runId: run.id, rows: 500 });
    // Exactly the scores the saved forest gives those rows: no retraining.
    const pts = (await ws.db.runAndReadAll('SELECT posnewx, posnewy FROM playlog WHERE row_id >= 3000 ORDER BY row_id')).getRows().flat().map(Number);
    const expected = scoreForest(deserializeForest(await runModel(ws, run.id)), Float64Array.from(pts));
    const stored = (await ws.db.runAndReadAll('SELECT score FROM rz_score WHERE run_id = $1 AND row_id >= 3000 ORDER BY row_id', [run.id]))
      .getRows()
      .map((r) => Number(r[0]));
    expect(stored).toEqual([...expected]);
    expect(await scoreNewRows(ws, scorer, idleWorkContext())).toMatchObject({ rows: 0 }); // nothing twice
    expect((await getRun(ws, run.id)).rows).toBe(3000); // the run's training rows are unchanged
  });

  it('says how far live rows drift, and a follow retrains past the threshold', async () => {
    const before = (await liveScoring(ws))!;
    expect(before).toMatchObject({ trainRows: 3000, liveRows: 500 });
    expect(before.drift).toBeGreaterThan(0.3);
    expect(before.drift).toBeLessThan(3); // the same blob: about the training share
    await addRows(ws, 3500, 1200, true, 77);
    let retrains = 0;
    const update = await liveUpdate({ ws, withScorer, retrainDrift: 2, retrain: () => retrains++ }, idleWorkContext());
    expect(update.scoredRows).toBe(1200);
    expect(update.drift).toBeGreaterThan(2);
    expect(retrains).toBe(1);
    const after = (await liveScoring(ws))!;
    expect(after.liveRows).toBe(1700);
    expect(after.liveShare).toBeGreaterThan(after.trainShare * 2);
    // The far-away player is news; an unchanged tick announces nothing again.
    expect(update.items.map((i) => i.ref)).toContain('77');
    expect((await liveUpdate({ ws, withScorer }, idleWorkContext())).items).toEqual([]);
  });

  it('retrains with the same features, parameters and cut-off; a deleted run takes its live state along', async () => {
    const run = (await liveScoring(ws))!;
    const req = await retrainRequest(ws);
    expect(req).toEqual({ features: 'points', trees: 40, samples: 128, seed: 2, cutoff: 'mean+1.5sd' });
    const fresh = await scoreRun(ws, inProcessScorer, req, new AbortController().signal, () => {});
    expect(fresh.rows).toBe(4700);
    expect(await scoreNewRows(ws, scorer, idleWorkContext())).toMatchObject({ runId: fresh.id, rows: 0 });
    expect(await deleteRun(ws, run.runId)).toBe(true);
    expect(Number((await ws.db.runAndReadAll('SELECT count(*) FROM rz_live_score WHERE run_id = $1', [run.runId])).getRows()[0][0])).toBe(0);
  });

  it('continues play-log streams over their new windows and announces a new incident once', async () => {
    const streams = new StreamsService(ws);
    await streams.define({
      name: 'moves',
      sourceTable: 'playlog',
      timeColumn: 'createdate',
      window: '1min',
      measures: [{ name: 'events', kind: 'count' }],
      forest: { numTrees: 20, samplesPerTree: 64 },
      threshold: { kind: 'sigma', k: 3 },
    });
    const first = await streams.score('moves');
    await rememberFlaggedNow({ ws, withScorer, streams });
    // A burst: 3,000 events in one minute after the last one, where the play log had 60 a minute.
    await ws.db.run(`INSERT INTO lake_playlog_data
      SELECT 4700 + i, 350, 450, 0, 349, 450, 0, 5, 40000000 + i, 0, TIMESTAMP '2018-10-10' + to_seconds(4800) + to_milliseconds(i * 19), 2018, 10, 10, 1, 0 FROM range(3000) t(i)`);
    const update = await liveUpdate({ ws, withScorer, streams }, idleWorkContext());
    const run = (await streams.runs('moves'))[0];
    expect(run.id).toBe(first.id); // the same run, continued
    expect(run.mode).toBe('continue');
    const incidents = update.items.filter((i) => i.kind === 'incident');
    expect(incidents.length).toBeGreaterThanOrEqual(1);
    expect(incidents.map((i) => i.ref).join()).toMatch(/^moves\//);
    expect((await liveUpdate({ ws, withScorer, streams }, idleWorkContext())).items.filter((i) => i.kind === 'incident')).toEqual([]);
  });
});

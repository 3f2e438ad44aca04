import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamDefinitionInput } from '../../../shared/api/streams.ts';
import { streamsSchema } from '../../../electron/streams/schema.ts';
import { StreamsService } from '../../../electron/streams/service.ts';
import type { WorkContext } from '../../../electron/jobs/context.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

let dir: string;
let ws: Workspace;
let streams: StreamsService;
let toll: StreamDefinitionInput;

/** Small forests keep the suite fast; continuing does not depend on their size. */
const FOREST = { numTrees: 20, samplesPerTree: 64 };
const START = Date.parse('2024-05-06T08:00:00Z'); // the toll demo's first window
/** Mid-window (window 700 of 1080, 4.3 s in): the last window of the first part is still filling. */
const CUT = START + 700 * 10_000 + 4_300;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-streams-cont-'));
  ws = await openWorkspace(join(dir, 'ws.duckdb'), [streamsSchema]);
  streams = new StreamsService(ws);
  toll = (await streams.loadDemo('toll', undefined, false)).suggested;
});
afterAll(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

const rows = async (sql: string, params: unknown[] = []) => (await ws.db.runAndReadAll(sql, params as never)).getRowObjectsJS();

/** A stream over its own copy of the toll events before `cut`; the rest waits in `<table>_tail`. */
async function partialStream(name: string, cut = CUT): Promise<{ name: string; addTail(): Promise<void> }> {
  const table = name.replace(/-/g, '_');
  await ws.db.run(`CREATE TABLE ${table} AS SELECT * FROM toll_events WHERE epoch_ms(ts) < ${cut}`);
  await ws.db.run(`CREATE TABLE ${table}_tail AS SELECT * FROM toll_events WHERE epoch_ms(ts) >= ${cut}`);
  await streams.define({ ...toll, name, sourceTable: table, forest: FOREST });
  return { name, addTail: async () => void (await ws.db.run(`INSERT INTO ${table} SELECT * FROM ${table}_tail`)) };
}

/** Every window of a run as stored: key, start, measures, score, attribution, grade. */
const windowsOf = (runId: string) =>
  rows(`SELECT key, epoch_ms(window_start) AS t, measures, score, attribution, grade FROM rz_stream_window WHERE run_id = $1 ORDER BY key, window_start`, [
    runId,
  ]);

/** A run's incidents as stored, in key and time order. */
const incidentsOf = (runId: string) => rows(`SELECT * EXCLUDE (run_id) FROM rz_stream_incident WHERE run_id = $1 ORDER BY key, start_window`, [runId]);

const savedForests = (stream: string) =>
  rows(
    `SELECT key, run_id, learned, epoch_ms(last_window)::DOUBLE AS last_window, sha256(state) AS state FROM rz_stream_state WHERE stream = $1 ORDER BY key`,
    [stream],
  );

describe('continuing a stream', () => {
  it('scores only the new windows with the saved forests, and every window ends as one full run scores it', async () => {
    const s = await partialStream('toll-cont');
    // Nothing saved yet: a continue scores everything and says why.
    const first = await streams.score(s.name, { mode: 'continue' });
    expect(first).toMatchObject({ mode: 'rescore', windows: 8 * 701, newWindows: 8 * 701, continuations: 0 });
    expect(first.rescoreReason).toMatch(/no saved forests/);
    const saved = await savedForests(s.name);
    expect(saved).toHaveLength(8);
    // Each forest stops before the last window, which may still be filling: 700 learned, window 700 scored.
    for (const f of saved) expect(f).toMatchObject({ run_id: first.id, learned: 700n, last_window: START + 700 * 10_000 });

    // An analyst's verdict on an early alert.
    const [early] = (await streams.alerts(first.id)).alerts;
    expect(early).toBeDefined();
    await streams.mark({ stream: s.name, key: early.key, windowStart: early.windowStart, verdict: 'true_positive', note: 'seen' });

    await s.addTail();
    const continued = await streams.score(s.name, { mode: 'continue' });
    expect(continued).toMatchObject({ id: first.id, mode: 'continue', windows: 8 * 1080, newWindows: 8 * 379, continuations: 1 });
    expect(continued.rescoreReason).toBeUndefined();
    expect(continued.createdAt).toBe(first.createdAt);
    expect(await streams.runs(s.name)).toHaveLength(1); // the run grew; no second run

    const full = await streams.score(s.name); // a rescore: one uninterrupted run over everything
    expect(full.id).not.toBe(first.id);
    expect(full.mode).toBe('rescore');
    const a = await windowsOf(continued.id);
    const b = await windowsOf(full.id);
    expect(a).toHaveLength(8 * 1080);
    expect(a).toEqual(b); // scores, grades and measures, exactly (window 700 was re-scored complete)
    expect(continued.detector).not.toBeNull();
    const incidents = await incidentsOf(continued.id);
    expect(incidents.length).toBeGreaterThan(0);
    expect(incidents).toEqual(await incidentsOf(full.id)); // the same incidents: starts, ends, grades, expected values
    const after = await streams.run(continued.id);
    for (const field of ['scoreMean', 'scoreSd', 'cutoff', 'scoredWindows', 'alerts', 'keys', 'windows'] as const)
      expect(after[field], field).toBe(full[field]);
    expect(after.alerts).toBeGreaterThan(0);

    // The verdict is still on its window, in both runs' alert lists.
    for (const runId of [continued.id, full.id]) {
      const marked = (await streams.alerts(runId)).alerts.find((x) => x.key === early.key && x.windowStart === early.windowStart);
      expect(marked).toMatchObject({ verdict: 'true_positive', note: 'seen' });
    }
  });

  it('with no new data, re-scores just the last window and adds none', async () => {
    const s = await partialStream('toll-idle');
    const first = await streams.score(s.name);
    const before = await windowsOf(first.id);
    const again = await streams.score(s.name, { mode: 'continue' });
    expect(again).toMatchObject({ id: first.id, mode: 'continue', newWindows: 0, continuations: 1, windows: first.windows });
    expect(await windowsOf(first.id)).toEqual(before);
  });

  it('keeps a re-cut threshold, and a sigma cutoff is over all the windows, as a full run has it', async () => {
    const s = await partialStream('toll-sigma');
    const first = await streams.score(s.name);
    await streams.setThreshold(first.id, { kind: 'sigma', k: 3 });
    await s.addTail();
    const continued = await streams.score(s.name, { mode: 'continue' });
    expect(continued.threshold).toEqual({ kind: 'sigma', k: 3 });
    expect(continued.detector).toEqual(first.detector); // still the detector's scores, cut at mean + 3σ
    const full = await streams.setThreshold((await streams.score(s.name)).id, { kind: 'sigma', k: 3 });
    expect(continued.cutoff).toBe(full.cutoff);
    expect(continued.cutoff).toBeCloseTo(full.scoreMean + 3 * full.scoreSd, 12);
    expect(continued.alerts).toBe(full.alerts);
    // Back to the detector: its incidents again, without re-scoring.
    const back = await streams.setThreshold(continued.id, { kind: 'detector' });
    expect(back.alerts).toBe((await incidentsOf(continued.id)).length);
  });

  it('a fixed cut-off scores plainly (Kinesis RANDOM_CUT_FOREST) and cannot be re-cut to the detector', async () => {
    const s = await partialStream('toll-fixed');
    await s.addTail();
    const run = await streams.score(s.name, { threshold: { kind: 'score', value: 2.5 } });
    expect(run.detector).toBeNull();
    const { alerts } = await streams.alerts(run.id);
    expect(alerts.length).toBe(run.alerts);
    for (const a of alerts) expect(a).toMatchObject({ windows: 1, windowEnd: a.windowStart, grade: null, expected: null });
    await expect(streams.setThreshold(run.id, { kind: 'detector' })).rejects.toThrow(/scored without the detector/);
  });

  it('rescores, and says why, when the definition or forest changed or scored windows changed', async () => {
    const s = await partialStream('toll-changed');
    await streams.score(s.name);
    await s.addTail();
    // Another forest setting: the saved forests no longer apply.
    const other = await streams.score(s.name, { mode: 'continue', forest: { seed: 7 } });
    expect(other).toMatchObject({ mode: 'rescore', newWindows: 8 * 1080 });
    expect(other.rescoreReason).toMatch(/definition or forest settings changed/);
    // Back to the defined forest (again a change for the saved ones), then a new measure in the definition.
    await streams.score(s.name);
    await streams.define({
      ...toll,
      name: s.name,
      sourceTable: 'toll_changed',
      forest: FOREST,
      measures: [...toll.measures, { name: 'drivers', kind: 'count', where: `user_id < 'user3'` }],
    });
    const redefined = await streams.score(s.name, { mode: 'continue' });
    expect(redefined.rescoreReason).toMatch(/definition or forest settings changed/);
    expect(redefined.definition.measures).toHaveLength(2);
    // Rows removed from an already-scored window (station 3, window 100).
    await ws.db.run(`DELETE FROM toll_changed WHERE toll = '3' AND epoch_ms(ts) BETWEEN ${START + 100 * 10_000} AND ${START + 100 * 10_000 + 9_999}`);
    const late = await streams.score(s.name, { mode: 'continue' });
    expect(late.rescoreReason).toMatch(/already-scored windows of key "3" changed/);
    expect((await streams.score(s.name, { mode: 'continue' })).mode).toBe('continue'); // and from there it carries on
  });

  it('a cancelled continue leaves the run and the saved forests as they were, and the next one carries on', async () => {
    const s = await partialStream('toll-cancel');
    const first = await streams.score(s.name);
    const savedBefore = await savedForests(s.name);
    const windowsBefore = await windowsOf(first.id);
    await s.addTail();
    const ac = new AbortController();
    let doneWhenCancelled = -1;
    const ctx: WorkContext = {
      signal: ac.signal,
      progress: (p) => {
        // Cancel once the first key's new windows are scored, with the others still going.
        if (p.done > 0 && !ac.signal.aborted) {
          doneWhenCancelled = p.done;
          ac.abort();
        }
      },
    };
    await expect(streams.score(s.name, { mode: 'continue' }, ctx)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(doneWhenCancelled).toBeGreaterThan(0);
    expect(doneWhenCancelled).toBeLessThan(8 * 380);
    expect(await savedForests(s.name)).toEqual(savedBefore);
    expect(await windowsOf(first.id)).toEqual(windowsBefore);
    expect(await streams.run(first.id)).toMatchObject({ windows: first.windows, continuations: 0 });

    const continued = await streams.score(s.name, { mode: 'continue' });
    expect(continued).toMatchObject({ id: first.id, mode: 'continue', newWindows: 8 * 379 });
    const full = await streams.score(s.name);
    expect(await windowsOf(continued.id)).toEqual(await windowsOf(full.id));
  });

  it('a key that first appears in the new data starts a fresh forest, as it does in a full run', async () => {
    const s = await partialStream('toll-newkey');
    // Station 9 opens in the second part.
    await ws.db.run(`INSERT INTO toll_newkey_tail SELECT ts, '9', user_id FROM toll_newkey_tail WHERE toll = '2'`);
    await streams.score(s.name);
    await s.addTail();
    const continued = await streams.score(s.name, { mode: 'continue' });
    expect(continued).toMatchObject({ mode: 'continue', keys: 9, newWindows: 8 * 379 + 1080 });
    const full = await streams.score(s.name);
    expect(await windowsOf(continued.id)).toEqual(await windowsOf(full.id));
  });
  it('keeps no forests when together they exceed the budget: the scores are the same and a continue rescores, saying why', async () => {
    const s = await partialStream('toll-budget');
    const full = await streams.score(s.name);
    expect(await savedForests(s.name)).toHaveLength(8);
    const tight = new StreamsService(ws, undefined, 64 * 1024); // a few kB per key here: 8 keys do not fit
    const over = await tight.score(s.name);
    expect(await savedForests(s.name)).toEqual([]); // the earlier forests went too: they belong to an older run
    expect((await windowsOf(over.id)).map((w) => w.score)).toEqual((await windowsOf(full.id)).map((w) => w.score));
    await s.addTail();
    const again = await tight.score(s.name, { mode: 'continue' });
    expect(again).toMatchObject({ mode: 'rescore' });
    expect(again.rescoreReason).toMatch(/too many keys/);
  });
});

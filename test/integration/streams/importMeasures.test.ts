import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../electron/streams/definition.ts';
import { importStreamFile } from '../../../electron/streams/importers.ts';
import { windowedMeasuresSql } from '../../../electron/streams/measures.ts';
import { streamsSchema } from '../../../electron/streams/schema.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

let dir: string;
let ws: Workspace;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-streams-'));
  ws = await openWorkspace(join(dir, 'ws.duckdb'), [streamsSchema]);
});
afterAll(async () => {
  ws.close();
  await rm(dir, { recursive: true, force: true });
});

const rows = async (sql: string) => (await ws.db.runAndReadAll(sql)).getRowObjectsJS();

describe('stream importers', () => {
  it('loads toll lines and quarantines bad ones: loaded + quarantined = lines', async () => {
    const file = join(dir, 'toll.csv');
    await writeFile(
      file,
      '2024-01-01 00:00:01.123000,3,user1\n2024-01-01 00:00:12,2,u,2\nbad line\n\n2024-01-01 00:00:15,x\nnot-a-date,4,u9\n2024-01-01T00:00:17,4,u9\n',
    );
    const r = await importStreamFile(ws.db, 'toll', file);
    expect(r).toMatchObject({ table: 'toll_events', lines: 6, loaded: 2, quarantined: 4 });
    expect(r.samples.map((s) => s.line)).toEqual([2, 3, 5, 6]);
    expect(r.samples[3].reason).toBe('date is not a timestamp');
    expect(await rows(`SELECT toll, user_id FROM toll_events ORDER BY ts`)).toEqual([
      { toll: '3', user_id: 'user1' },
      { toll: '4', user_id: 'u9' },
    ]);
    expect(Number((await rows(`SELECT count(*) AS n FROM rz_stream_quarantine WHERE table_name = 'toll_events'`))[0].n)).toBe(4);
  });

  it('loads clickstream JSON lines with ISO or epoch times', async () => {
    const file = join(dir, 'click.jsonl');
    await writeFile(
      file,
      [
        '{"browseraction":"Click","site":"a","time":"2024-01-01T00:00:01Z"}',
        '{"browseraction":"Impression","site":"a","time":1704067205}',
        '{"browseraction":"Impression","site":"a","timestamp":1704067205123}',
        'not json',
        '{"site":"a","time":"2024-01-01"}',
      ].join('\n'),
    );
    const r = await importStreamFile(ws.db, 'clickstream', file);
    expect(r).toMatchObject({ lines: 5, loaded: 3, quarantined: 2 });
    expect((await rows(`SELECT epoch_ms(ts) AS t FROM click_events ORDER BY ts`)).map((x) => Number(x.t))).toEqual([
      1704067201000, 1704067205000, 1704067205123,
    ]);
  });

  it('loads a series with a header, timestamps or step numbers', async () => {
    const file = join(dir, 'series.csv');
    await writeFile(file, 't,value\n0,1.5\n1,2\n2,abc\n');
    const r = await importStreamFile(ws.db, 'series', file);
    expect(r).toMatchObject({ lines: 3, loaded: 2, quarantined: 1 });
    expect(await rows(`SELECT strftime(ts, '%Y-%m-%d %H:%M') AS t, value FROM series_values ORDER BY ts`)).toEqual([
      { t: '1970-01-01 00:00', value: 1.5 },
      { t: '1970-01-01 00:30', value: 2 },
    ]);
  });

  it('fails cleanly on a missing file and leaves the tables as they were', async () => {
    await expect(importStreamFile(ws.db, 'toll', join(dir, 'nope.csv'))).rejects.toThrow(/no such file/);
  });
});

describe('windowed measures', () => {
  it('buckets per key, fills empty count windows with 0 and divides ratios safely', async () => {
    await ws.db.run(`CREATE TABLE ev AS SELECT * FROM (VALUES
      (TIMESTAMP '2024-01-01 00:00:01', 'A', 'Click'), (TIMESTAMP '2024-01-01 00:00:02', 'A', 'Impression'), (TIMESTAMP '2024-01-01 00:00:03', 'A', 'Impression'),
      (TIMESTAMP '2024-01-01 00:00:31', 'A', 'Impression'), (TIMESTAMP '2024-01-01 00:00:12', 'B', 'Click')) t(ts, site, action)`);
    const def = validateDefinition({
      name: 'x',
      sourceTable: 'ev',
      timeColumn: 'ts',
      window: '10s',
      keyColumn: 'site',
      measures: [
        { name: 'clicks', kind: 'count', where: `action = 'Click'` },
        { name: 'impressions', kind: 'count', where: `action = 'Impression'` },
        { name: 'ctr', kind: 'ratio', numerator: 'clicks', denominator: 'impressions' },
      ],
    });
    const got = (await rows(windowedMeasuresSql(def))).map((r) => [
      r.key,
      (r.window_start as Date).toISOString().slice(14, 19),
      r.clicks,
      r.impressions,
      r.ctr,
    ]);
    expect(got).toEqual([
      ['A', '00:00', 1, 2, 0.5],
      ['A', '00:10', 0, 0, 0],
      ['A', '00:20', 0, 0, 0],
      ['A', '00:30', 0, 1, 0],
      ['B', '00:00', 0, 0, 0],
      ['B', '00:10', 1, 0, 0],
      ['B', '00:20', 0, 0, 0],
      ['B', '00:30', 0, 0, 0],
    ]);
  });

  it('carries averages forward over empty windows and works over a query without a key', async () => {
    const def = validateDefinition({
      name: 'y',
      sourceQuery: `SELECT ts, value FROM (VALUES (TIMESTAMP '2024-01-01 00:00:00', 4.0), (TIMESTAMP '2024-01-01 00:00:05', 6.0), (TIMESTAMP '2024-01-01 00:01:00', 1.0)) t(ts, value)`,
      timeColumn: 'ts',
      window: '30s',
      measures: [
        { name: 'mean', kind: 'avg', column: 'value' },
        { name: 'total', kind: 'sum', column: 'value' },
      ],
    });
    expect((await rows(windowedMeasuresSql(def))).map((r) => [r.key, r.mean, r.total])).toEqual([
      ['', 5, 10],
      ['', 5, 0],
      ['', 1, 1],
    ]);
  });
});

describe('defining a stream over the data', () => {
  it("names the measure whose column is missing or not a number, not DuckDB's binder error", async () => {
    const { StreamsService } = await import('../../../electron/streams/service.ts');
    const streams = new StreamsService(ws);
    await ws.db.run(
      `CREATE TABLE fares AS SELECT TIMESTAMP '2024-01-01' + to_seconds(i) AS ts, i % 3 AS lane, 'x' AS label, i * 1.5 AS amount FROM range(100) t(i)`,
    );
    const base = { name: 'fares', sourceTable: 'fares', timeColumn: 'ts', window: '10s' };
    await expect(streams.define({ ...base, measures: [{ name: 'fare', kind: 'sum', column: 'amnt' }] })).rejects.toThrow(
      'measure "fare": the source has no column "amnt" (it has ts, lane, label, amount)',
    );
    await expect(streams.define({ ...base, measures: [{ name: 'fare', kind: 'avg', column: 'label' }] })).rejects.toThrow(
      'measure "fare": column "label" is VARCHAR; avg needs a number',
    );
    expect((await streams.define({ ...base, measures: [{ name: 'fare', kind: 'sum', column: 'amount' }] })).threshold).toEqual({ kind: 'detector' });
  });
});

describe('the detector on awkward streams', () => {
  it('a constant key, a one-event key, huge values and average gaps give finite grades in [0, 1], never NaN', async () => {
    const { StreamsService } = await import('../../../electron/streams/service.ts');
    const streams = new StreamsService(ws);
    await ws.db.run(`CREATE TABLE awkward AS
      SELECT 'constant' AS k, TIMESTAMP '2024-01-01' + to_seconds(60 * i) AS ts, 5.0 AS v FROM range(400) t(i)
      UNION ALL SELECT 'one', TIMESTAMP '2024-01-01 03:00:00', 1.0
      UNION ALL SELECT 'huge', TIMESTAMP '2024-01-01' + to_seconds(60 * i), CASE WHEN i = 300 THEN 1e300 ELSE (i % 7) * 1e200 END FROM range(400) t(i)
      UNION ALL SELECT 'gappy', TIMESTAMP '2024-01-01' + to_seconds(60 * i), (i % 5)::DOUBLE FROM range(400) t(i) WHERE i % 3 <> 0`);
    await streams.define({
      name: 'awkward',
      sourceTable: 'awkward',
      timeColumn: 'ts',
      window: '1min',
      keyColumn: 'k',
      measures: [
        { name: 'total', kind: 'sum', column: 'v' },
        { name: 'mean', kind: 'avg', column: 'v' },
      ],
      forest: { numTrees: 20, samplesPerTree: 64 },
    });
    const run = await streams.score('awkward');
    expect(run.keys).toBe(4);
    for (const key of ['constant', 'one', 'huge', 'gappy']) {
      const s = await streams.series(run.id, key);
      const grades = Array.from(s.grades).filter((g) => !Number.isNaN(g));
      expect(grades.length, key).toBeGreaterThan(0);
      for (const g of grades) expect(g >= 0 && g <= 1, `${key}: grade ${g}`).toBe(true);
      for (const v of s.scores) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
      for (const inc of s.incidents) for (const e of Object.values(inc.expected!)) expect(Number.isFinite(e), `${key} expected ${e}`).toBe(true);
    }
    // A constant key never alerts.
    expect((await streams.series(run.id, 'constant')).incidents).toEqual([]);
  });
});

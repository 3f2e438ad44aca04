import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../electron/lake/generate/index.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { lakeSchema, syntheticFileSql } from '../../../electron/lake/schema.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

let dir: string;
const open: Workspace[] = [];

async function workspace(name: string): Promise<Workspace> {
  const ws = await openWorkspace(join(dir, `${name}.duckdb`), [lakeSchema]);
  open.push(ws);
  return ws;
}

async function rows(ws: Workspace, sql: string): Promise<Record<string, unknown>[]> {
  return (await ws.db.runAndReadAll(sql))
    .getRowObjectsJS()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

async function put(path: string, content: string | Buffer) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

const play = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    posnewx: 542 + i,
    posnewy: 824,
    posnewz: 0,
    posoldx: 541 + i,
    posoldy: 828,
    posoldz: 0,
    pidx: 8672,
    idx: 30725885 + i,
    action: 0,
    createdate: `2018-10-12 05:53:${String(i % 60).padStart(2, '0')}.318075`,
    ...extra,
  });
const lines = (n: number, from = 0) => Array.from({ length: n }, (_, i) => play(from + i)).join('\n') + '\n';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-lake-'));
});

afterAll(async () => {
  for (const ws of open) ws.close();
  await rm(dir, { recursive: true, force: true });
});

describe('import of bad input', () => {
  let ws: Workspace;
  let summary: Awaited<ReturnType<typeof importPath>>;
  const root = () => join(dir, 'bad');
  const hour = 'playlog/2018/10/12/05';

  beforeAll(async () => {
    const h = join(root(), hour);
    const good = lines(5);
    await put(join(h, 'playlog-1-2018-10-12-05-00-00-good'), good);
    await put(join(h, 'playlog-1-2018-10-12-05-01-00-malformed'), [play(0), '{"posnewx": 1,,}', play(2), ''].join('\n'));
    await put(
      join(h, 'playlog-1-2018-10-12-05-02-00-types'),
      [play(0, { posnewx: 'abc' }), play(1, { pidx: 3.7 }), play(2, { createdate: 'yesterday' }), play(3), ''].join('\n'),
    );
    const gz = gzipSync(Buffer.from(lines(200)));
    await put(join(h, 'playlog-1-2018-10-12-05-03-00-truncated.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    await put(join(h, 'playlog-1-2018-10-12-05-04-00-empty'), '');
    await put(
      join(h, 'playlog-1-2018-10-12-05-05-00-binary'),
      Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0x7b, 0x01]),
    );
    await put(join(h, 'playlog-1-2018-10-12-05-06-00-array'), `[\n${[play(0), play(1), play(2)].join(',\n')}\n]\n`);
    await put(join(h, 'playlog-1-2018-10-12-05-07-00-extra'), [play(0, { server: 'eu-1' }), play(1, { z: [1, 2] }), ''].join('\n'));
    await put(join(h, 'playlog-1-2018-10-12-05-08-00-missing'), [play(0), JSON.stringify({ posnewx: 1, pidx: 2 }), play(2), ''].join('\n'));
    await put(join(h, 'playlog-1-2018-10-12-05-09-00-backtoback'), play(0) + play(1) + play(2));
    await put(join(h, 'playlog-1-2018-10-12-05-10-00-gzip-no-suffix'), gzipSync(Buffer.from(lines(4))));
    await put(join(h, 'playlog-1-2018-10-12-05-11-00-fraction'), [play(0), play(1, { action: 0.5 }), play(2, { pidx: '8672' }), ''].join('\n'));
    await put(join(root(), 'labels.csv'), 'pidx,behaviour\r\n1,redzone\r\n'); // not a stream: ignored
    ws = await workspace('bad');
    summary = await importPath(ws, root());
  });

  const ledger = async (suffix: string) => (await rows(ws, `SELECT records, rows, quarantined, status FROM lake_file WHERE key LIKE '%${suffix}'`))[0];
  const bad = (suffix: string) => summary.quarantined.filter((q) => q.file.endsWith(suffix)).map((q) => [q.line, q.reason]);

  it('reports every file, every loaded row and every quarantined line', () => {
    expect(summary.files).toBe(12);
    expect(summary.skipped).toBe(0);
    expect(summary.quarantined.every((q) => q.file.startsWith(root()) && q.line >= 0 && q.reason.length > 0)).toBe(true);
  });

  it('keeps loaded + quarantined = records for every file', async () => {
    const all = await rows(
      ws,
      `SELECT f.key, f.records, f.rows, f.quarantined, (SELECT count(*) FROM playlog p WHERE p.source = f.key) AS in_view,
                                  (SELECT count(*) FROM lake_quarantine q WHERE q.file_id = f.file_id AND q.line > 0) AS q_lines FROM lake_file f`,
    );
    for (const f of all) {
      expect(f.rows, String(f.key)).toBe(f.in_view);
      expect(Number(f.rows) + Number(f.q_lines), String(f.key)).toBe(f.records);
    }
    expect(summary.rows).toBe(all.reduce((s, f) => s + Number(f.rows), 0));
  });

  it('loads clean files whole', async () => {
    expect(await ledger('-good')).toEqual({ records: 5, rows: 5, quarantined: 0, status: 'loaded' });
    expect(await ledger('-gzip-no-suffix')).toEqual({ records: 4, rows: 4, quarantined: 0, status: 'loaded' });
  });

  it('quarantines a malformed line and loads the lines around it', async () => {
    expect(await ledger('-malformed')).toEqual({ records: 3, rows: 2, quarantined: 1, status: 'partial' });
    expect(bad('-malformed')).toEqual([[2, expect.stringMatching(/^malformed JSON/)]]);
  });

  it('quarantines wrong types, naming the column', async () => {
    expect(await ledger('-types')).toEqual({ records: 4, rows: 1, quarantined: 3, status: 'partial' });
    expect(bad('-types')).toEqual([
      [1, 'posnewx is not a valid DOUBLE: abc'],
      [2, 'pidx is not a valid INTEGER: 3.7'],
      [3, 'createdate is not a valid TIMESTAMP: yesterday'],
    ]);
  });

  it('keeps every whole line of a truncated gzip and quarantines the cut', async () => {
    const f = await ledger('-truncated.gz');
    expect(f.rows).toBeGreaterThan(50);
    expect(f.quarantined).toBe(1);
    expect(bad('-truncated.gz')).toEqual([[Number(f.rows) + 1, expect.stringMatching(/truncated gzip/)]]);
  });

  it('quarantines a fraction in an integer column that DuckDB alone would round, and accepts numbers sent as text', async () => {
    expect(await ledger('-fraction')).toEqual({ records: 3, rows: 2, quarantined: 1, status: 'partial' });
    expect(bad('-fraction')).toEqual([[2, 'action is not a valid INTEGER: 0.5']]);
  });

  it('records an empty file as empty, with nothing quarantined', async () => {
    expect(await ledger('-empty')).toEqual({ records: 0, rows: 0, quarantined: 0, status: 'empty' });
  });

  it('quarantines binary garbage line by line', async () => {
    expect(await ledger('-binary')).toEqual({ records: 3, rows: 0, quarantined: 3, status: 'rejected' });
    expect(bad('-binary')).toEqual([
      [1, 'binary data, not JSON'],
      [2, 'binary data, not JSON'],
      [3, 'binary data, not JSON'],
    ]);
  });

  it('loads the elements of a JSON array, numbered by the line they start on', async () => {
    expect(await ledger('-array')).toEqual({ records: 3, rows: 3, quarantined: 0, status: 'loaded' });
  });

  it('loads rows with unknown extra fields (the known columns are whole)', async () => {
    expect(await ledger('-extra')).toEqual({ records: 2, rows: 2, quarantined: 0, status: 'loaded' });
  });

  it('quarantines a record with missing fields, naming them', async () => {
    expect(bad('-missing')).toEqual([[2, 'missing fields: posnewy, posnewz, posoldx, posoldy, posoldz, idx, action, createdate']]);
  });

  it('splits records that arrive back to back', async () => {
    expect(await ledger('-backtoback')).toEqual({ records: 3, rows: 3, quarantined: 0, status: 'loaded' });
  });

  it('adds the partition and the source object to every row, and keeps the raw text of bad lines', async () => {
    const [r] = await rows(ws, `SELECT DISTINCT year, month, day, hour FROM playlog`);
    expect(r).toEqual({ year: 2018, month: 10, day: 12, hour: 5 });
    const [q] = await rows(ws, `SELECT raw FROM lake_quarantine WHERE source LIKE '%-malformed' AND line = 2`);
    expect(q.raw).toBe('{"posnewx": 1,,}');
  });
});

describe('idempotent, incremental import of the demo', () => {
  let ws: Workspace;
  let root: string;
  let first: Awaited<ReturnType<typeof importPath>>;
  let generated: Awaited<ReturnType<typeof generateDemo>>;

  beforeAll(async () => {
    root = join(dir, 'demo');
    generated = await generateDemo({ out: root, players: 60, rows: 30_000, days: 1, seed: 3, gzip: true });
    ws = await workspace('demo');
    first = await importPath(ws, root);
  });

  it('imports every generated row, play logs and user logs', async () => {
    expect(first.files).toBe(generated.files);
    expect(first.quarantined).toEqual([]);
    const [c] = await rows(
      ws,
      `SELECT (SELECT count(*) FROM playlog) AS play, (SELECT count(DISTINCT row_id) FROM playlog) AS ids, (SELECT count(DISTINCT pidx) FROM userprofile) AS profiles`,
    );
    expect(c).toEqual({ play: 30_000, ids: 30_000, profiles: 60 });
  });

  it('adds nothing when the same folder is imported again', async () => {
    const again = await importPath(ws, root);
    expect(again).toEqual({
      files: 0,
      rows: 0,
      skipped: generated.files,
      quarantined: [],
      ignored: [{ path: join(root, 'labels.csv'), reason: 'not a play log or user log (by name and content)' }],
      warnings: [],
    });
    const [c] = await rows(ws, `SELECT count(*) AS n FROM playlog`);
    expect(c.n).toBe(30_000);
  });

  it('replaces exactly the rows of a changed file, leaving other row ids alone, and adds new files', async () => {
    const [victim] = await rows(ws, `SELECT key, rows FROM lake_file WHERE stream = 'playlog' ORDER BY key LIMIT 1`);
    const before = await rows(ws, `SELECT row_id FROM playlog WHERE source <> '${victim.key}' ORDER BY row_id`);
    await writeFile(String(victim.key), gzipSync(Buffer.from(lines(7))));
    await utimes(String(victim.key), new Date(), new Date(Date.now() + 5000));
    const added = join(root, 'playlog/2018/10/10/23/playlog-2-2018-10-10-23-59-00-late.gz');
    await put(added, gzipSync(Buffer.from(lines(3, 100))));
    const s = await importPath(ws, root);
    expect(s).toMatchObject({ files: 2, rows: 10, skipped: generated.files - 1 });
    const [c] = await rows(ws, `SELECT count(*) AS n, count(*) FILTER (WHERE source = '${victim.key}') AS changed FROM playlog`);
    expect(c).toEqual({ n: 30_000 - Number(victim.rows) + 10, changed: 7 });
    const after = await rows(ws, `SELECT row_id FROM playlog WHERE source <> '${victim.key}' AND source <> '${added}' ORDER BY row_id`);
    expect(after).toEqual(before);
  });

  it('joins play logs with the latest profile in gamelog, and derives movement', async () => {
    const [g] = await rows(
      ws,
      `SELECT count(*) AS n, count(*) FILTER (WHERE g.uclass IS DISTINCT FROM u.uclass OR g.ulevel IS DISTINCT FROM u.ulevel) AS mismatched
       FROM gamelog g LEFT JOIN (SELECT pidx, arg_max(uclass, utimestamp) AS uclass, max(ulevel) AS ulevel FROM userlog GROUP BY pidx) u USING (pidx)`,
    );
    const [p] = await rows(ws, `SELECT count(*) AS n FROM playlog`);
    expect(g).toEqual({ n: p.n, mismatched: 0 });
    const [m] = await rows(
      ws,
      `SELECT count(*) FILTER (WHERE dt_seconds IS NULL) AS firsts, count(DISTINCT pidx) AS players, min(dt_seconds) >= 0 AS ordered,
              bool_and(abs(step - sqrt((posnewx-posoldx)^2 + (posnewy-posoldy)^2)) < 1e-9) AS steps
       FROM movement`,
    );
    expect(m).toMatchObject({ ordered: true, steps: true });
    expect(m.firsts).toBe(m.players);
  });
});

describe('cancel', () => {
  it('stops between files on abort, keeping whole files only, and the next import finishes the job', async () => {
    const root = join(dir, 'cancel');
    // A bad line in every object: the careful path, one commit per object.
    for (let i = 0; i < 12; i++)
      await put(join(root, `playlog/2018/10/12/05/playlog-1-2018-10-12-05-${String(i).padStart(2, '0')}-00-c`), lines(300) + 'oops\n');
    const ws = await workspace('cancel');
    const controller = new AbortController();
    const cancelled = importPath(ws, root, { signal: controller.signal, onProgress: (p) => p.done >= 2 && controller.abort() });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    const [partial] = await rows(ws, `SELECT count(*) AS files, sum(rows) AS rows, (SELECT count(*) FROM playlog) AS loaded FROM lake_file`);
    expect(partial.files).toBeGreaterThanOrEqual(2);
    expect(partial.files).toBeLessThan(12);
    expect(partial.loaded).toBe(partial.rows);
    const rest = await importPath(ws, root);
    expect(rest.files + Number(partial.files)).toBe(12);
    const [done] = await rows(ws, `SELECT count(*) AS n FROM playlog`);
    expect(done.n).toBe(12 * 300);
  });
});

describe('formats and S3 options', () => {
  it('imports CSV (Hive layout, header) and Parquet exactly', async () => {
    for (const format of ['csv', 'parquet'] as const) {
      const out = join(dir, `fmt-${format}`);
      await generateDemo({ out, players: 30, rows: 5_000, days: 1, seed: 5, format });
      const ws = await workspace(`fmt-${format}`);
      const s = await importPath(ws, out);
      expect(s.quarantined).toEqual([]);
      const [c] = await rows(
        ws,
        `SELECT count(*) AS play, bool_and(contains(source, format('/year={:04d}/month={:02d}/day={:02d}/hour={:02d}/', year, month, day, hour))) AS hive FROM playlog`,
      );
      expect(c).toEqual({ play: 5_000, hive: true });
    }
  });

  it('quarantines CSV records by line number and a CSV whose header lacks a column', async () => {
    const out = join(dir, 'csv-bad/playlog/year=2018/month=10/day=12/hour=05');
    const header = 'posnewx,posnewy,posnewz,posoldx,posoldy,posoldz,pidx,idx,action,createdate';
    await put(join(out, 'part-0.csv'), `${header}\n1,2,0,1,2,0,7,1,0,2018-10-12 05:00:00\n1,2,0,1,2,0,x,2,0,2018-10-12 05:00:01\n1,2,0\n`);
    await put(join(out, 'part-1.csv'), `posnewx,pidx\n1,2\n`);
    const ws = await workspace('csv-bad');
    const s = await importPath(ws, join(dir, 'csv-bad'));
    expect(s.rows).toBe(1);
    expect(s.quarantined.map((q) => [q.file.slice(-10), q.line, q.reason])).toEqual([
      ['part-0.csv', 3, 'pidx is not a valid INTEGER: x'],
      ['part-0.csv', 4, 'expected 10 fields, found 3'],
      ['part-1.csv', 2, 'the CSV header lacks columns posnewy, posnewz, posoldx, posoldy, posoldz, idx, action, createdate'],
    ]);
  });

  it('keeps only rows inside the event-time window, under the caller identity, and widens on a later range', async () => {
    const root = join(dir, 'window');
    const file = join(root, 'playlog/2018/10/12/06/playlog-1-2018-10-12-06-00-00-w');
    // 60 rows at 05:53:00..05:53:59: the window keeps the first 30 seconds.
    await put(file, lines(60));
    const ws = await workspace('window');
    const identity = () => ({ key: 's3://bucket/playlog/2018/10/12/06/w', version: 'etag-1' });
    const window = (from: string, to: string) => ({ from: new Date(`2018-10-12T${from}Z`), to: new Date(`2018-10-12T${to}Z`) });
    const s = await importPath(ws, root, { identity, eventTime: window('05:00:00', '05:53:30') });
    expect(s).toMatchObject({ files: 1, rows: 30 });
    const [f] = await rows(ws, `SELECT key, version, records, rows, outside FROM lake_file`);
    expect(f).toEqual({ key: 's3://bucket/playlog/2018/10/12/06/w', version: 'etag-1', records: 60, rows: 30, outside: 30 });
    expect(await importPath(ws, root, { identity, eventTime: window('05:10:00', '05:20:00') })).toMatchObject({ files: 0, skipped: 1 });
    expect(await importPath(ws, root, { identity, eventTime: window('05:53:30', '07:00:00') })).toMatchObject({ files: 1, rows: 60 });
  });

  it('reads a file given directly and leaves non-lake files alone', async () => {
    const out = join(dir, 'single/playlog-1-2018-10-12-05-00-00-x.json');
    await put(out, lines(2));
    await put(join(dir, 'single/notes.txt'), 'hello\n');
    const ws = await workspace('single');
    expect(await importPath(ws, out)).toMatchObject({ files: 1, rows: 2 });
    expect(await importPath(ws, join(dir, 'single'))).toMatchObject({ files: 0, skipped: 1 });
    expect(JSON.parse(JSON.stringify(await readFile(out, 'utf8')))).toContain('posnewx');
  });
});

describe('CSV records that span lines', () => {
  const header = 'pidx,uclass,ulevel,utimestamp';
  // A line break, a comma, escaped quotes and leading spaces inside one quoted field.
  const uclass = 'Ranger\n  the "quiet" one, level 2';
  const quoted = `"${uclass.replaceAll('"', '""')}"`;
  const at = (root: string, hour: string) => join(root, `userlog/year=2018/month=10/day=12/hour=${hour}/part-0.csv`);

  it('load whole on the careful path, as DuckDB reads them on the fast path, and a bad line is quarantined by its number', async () => {
    const root = join(dir, 'csv-multiline');
    // The same record in both files; the second also holds a bad line, so DuckDB refuses it and the careful path reads it.
    await put(at(root, '05'), `${header}\n1,Warrior,3,2018-10-12 05:00:00\n2,${quoted},4,2018-10-12 05:00:01\n3,Mage,5,2018-10-12 05:00:02\n`);
    await put(at(root, '06'), `${header}\n1,Warrior,3,2018-10-12 06:00:00\n2,${quoted},4,2018-10-12 06:00:01\n3,oops\n4,Mage,5,2018-10-12 06:00:02\n`);
    const ws = await workspace('csv-multiline');
    const s = await importPath(ws, root);
    expect(s.quarantined.map((q) => [q.file.slice(-18), q.line, q.reason])).toEqual([['hour=06/part-0.csv', 5, 'expected 4 fields, found 2']]);
    expect(await rows(ws, `SELECT records, rows, quarantined FROM lake_file ORDER BY key`)).toEqual([
      { records: 3, rows: 3, quarantined: 0 },
      { records: 4, rows: 3, quarantined: 1 },
    ]);
    expect(await rows(ws, `SELECT hour, uclass, ulevel FROM lake_userlog_data WHERE pidx = 2 ORDER BY hour`)).toEqual([
      { hour: 5, uclass, ulevel: 4 },
      { hour: 6, uclass, ulevel: 4 },
    ]);
  });

  it('a stray quote near the top costs its own line, not the file: the good lines after it load', async () => {
    const root = join(dir, 'csv-stray-quote');
    // More lines after the stray quote than one record may span (10,000).
    const after = Array.from({ length: 12_000 }, (_, i) => `${100 + i},Mage,5,2018-10-12 05:${String(Math.floor(i / 200) % 60).padStart(2, '0')}:00`);
    await put(at(root, '05'), [header, '1,Warrior,3,2018-10-12 05:00:00', '2,"Ranger,4,2018-10-12 05:00:01', ...after, ''].join('\n'));
    const ws = await workspace('csv-stray-quote');
    const s = await importPath(ws, root);
    expect(s.quarantined.map((q) => [q.line, q.reason])).toEqual([[3, 'unterminated quoted field (no closing quote within 10,000 lines)']]);
    expect(await rows(ws, `SELECT records, rows, quarantined FROM lake_file`)).toEqual([{ records: 12_002, rows: 12_001, quarantined: 1 }]);
    const [q] = await rows(ws, `SELECT raw FROM lake_quarantine`);
    expect(q.raw).toBe('2,"Ranger,4,2018-10-12 05:00:01');
  });
});

describe('schema v2 (source from the ledger)', () => {
  it('migrates a v1 workspace in place: every row keeps its partition and its source', async () => {
    const path = join(dir, 'v1.duckdb');
    const v1 = await openWorkspace(path, [{ name: 'lake', migrations: lakeSchema.migrations.slice(0, 1) }]);
    // What v1's import wrote: the source key on every row beside its file_id.
    await v1.db.run(syntheticFileSql(1, 'playlog/a'));
    await v1.db.run(syntheticFileSql(2, 'playlog/b'));
    await v1.db.run(`INSERT INTO lake_playlog_data
      SELECT i, 500 + i, 800, 0, 499 + i, 800, 0, 7, 100 + i, 0, TIMESTAMP '2018-10-12 05:00:00' + to_hours(i // 5), 2018, 10, 12, 5 + i // 5, 'playlog/' || ['a', 'b'][1 + i // 5], 1 + i // 5
      FROM range(8) t(i)`);
    const sql = `SELECT row_id, pidx, idx, hour, source FROM playlog ORDER BY row_id`;
    const before = await rows(v1, sql);
    v1.close();
    const v2 = await workspace('v1');
    expect(await rows(v2, sql)).toEqual(before);
    expect(before.map((r) => `${r.hour} ${r.source}`)).toEqual([...Array(5).fill('5 playlog/a'), ...Array(3).fill('6 playlog/b')]);
    const columns = await rows(v2, `SELECT column_name FROM duckdb_columns() WHERE table_name = 'lake_playlog_data' AND column_name = 'source'`);
    expect(columns).toEqual([]);
  });
});

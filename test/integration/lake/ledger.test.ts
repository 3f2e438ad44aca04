import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { cellValue, numberValues, type ColumnBatch } from '../../../shared/api/columns.ts';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../../shared/api/index.ts';

let dir: string;
let app: App;

async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const env = await app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as ApiResponse<M>;
}

async function errorOf(method: ApiMethod, req: unknown): Promise<string> {
  const env = await app.router.call(method, req);
  if (env.ok) throw new Error(`${method} succeeded`);
  return env.error.code;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await app.services.ws.db.runAndReadAll(sql))
    .getRowObjectsJS()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

/** The batch as row objects (tests only: the API itself never sends rows). */
function rowsOf(batch: ColumnBatch): Record<string, unknown>[] {
  return Array.from({ length: batch.rowCount }, (_, i) => Object.fromEntries(batch.columns.map((c) => [c.name, cellValue(c, i)])));
}

async function put(path: string, content: string | Buffer) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

const play = (i: number) =>
  JSON.stringify({
    posnewx: i,
    posnewy: 1,
    posnewz: 0,
    posoldx: i,
    posoldy: 2,
    posoldz: 0,
    pidx: 7 + (i % 3),
    idx: 1000 + i,
    action: 0,
    createdate: `2018-10-12 05:10:${String(i % 60).padStart(2, '0')}`,
  });
const user = (i: number) => JSON.stringify({ pidx: 7 + i, uclass: 'Warrior', ulevel: 10 + i, utimestamp: '2018-10-12 05:00:00' });
const lines = (n: number, row = play) => Array.from({ length: n }, (_, i) => row(i)).join('\n') + '\n';

/** Every count the forget must leave alone, per file_id. */
async function snapshot() {
  const perFile = await query(`SELECT f.file_id, f.rows, f.quarantined,
      (SELECT count(*) FROM lake_playlog_data p WHERE p.file_id = f.file_id) AS play,
      (SELECT count(*) FROM lake_userlog_data u WHERE u.file_id = f.file_id) AS usr,
      (SELECT count(*) FROM lake_quarantine q WHERE q.file_id = f.file_id) AS q
    FROM lake_file f ORDER BY f.file_id`);
  const [t] = await query(
    `SELECT (SELECT count(*) FROM lake_playlog_data) AS play, (SELECT count(*) FROM lake_userlog_data) AS usr, (SELECT count(*) FROM lake_quarantine) AS q`,
  );
  return { perFile, totals: { play: Number(t.play), usr: Number(t.usr), q: Number(t.q) } };
}

describe('lake ledger: files page, missing files, forget', () => {
  const root = () => join(dir, 'lake');
  const later = () => join(dir, 'later');
  const hour = 'playlog/2018/10/12/05';
  const doomed = () => join(root(), hour, 'playlog-1-2018-10-12-05-02-00-partial');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-ledger-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'ws.duckdb'), () => {});
    const h = join(root(), hour);
    await put(join(h, 'playlog-1-2018-10-12-05-00-00-big'), lines(40));
    await put(join(h, 'playlog-1-2018-10-12-05-01-00-small.gz'), gzipSync(lines(3)));
    await put(doomed(), [play(0), '{"posnewx": broken', play(1), '{"pidx": ', play(2), ''].join('\n'));
    await put(join(h, 'playlog-1-2018-10-12-05-03-00-EMPTY'), '');
    await put(join(h, 'playlog-1-2018-10-12-05-04-00-garbage'), Buffer.from([0x00, 0x01, 0xff, 0x0a, 0x89, 0x50, 0x0a, 0x00, 0x7b, 0x0a]));
    await put(join(root(), 'userlog/2018/10/12/05/userlog-1-2018-10-12-05-00-00-u'), lines(5, user));
    await importPath(app.services.ws, root());
    // A second, later import, and an S3-synced object: its key is its URL, its path a staging copy deleted after the import.
    await put(join(later(), hour, 'playlog-1-2018-10-12-05-30-00-later'), lines(7));
    await importPath(app.services.ws, later());
    const staging = join(dir, 'staging');
    await put(join(staging, hour, 'playlog-1-2018-10-12-05-40-00-synced'), lines(2));
    await importPath(app.services.ws, staging, { identity: (f) => ({ key: `s3://bucket/${f.rel}`, version: 'etag-1' }) });
    await rm(staging, { recursive: true });
  });

  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pages through every entry, newest import first, as typed columns', async () => {
    const all = await call('lake.files', {});
    expect(all.matching).toBe(8);
    expect(all.batch.columns.map((c) => [c.name, c.kind])).toEqual([
      ['file_id', 'number'],
      ['key', 'text'],
      ['path', 'text'],
      ['stream', 'text'],
      ['format', 'text'],
      ['compression', 'text'],
      ['size', 'number'],
      ['records', 'number'],
      ['rows', 'number'],
      ['quarantined', 'number'],
      ['outside', 'number'],
      ['status', 'text'],
      ['imported_at', 'timestamp'],
      ['missing', 'bool'],
    ]);
    const rows = rowsOf(all.batch);
    expect(rows.map((r) => r.key).slice(0, 2)).toEqual([
      's3://bucket/playlog/2018/10/12/05/playlog-1-2018-10-12-05-40-00-synced',
      join(later(), hour, 'playlog-1-2018-10-12-05-30-00-later'),
    ]);
    const times = numberValues(all.batch.columns[12]);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeLessThanOrEqual(times[i - 1]);

    const pages = [];
    for (let offset = 0; offset < 8; offset += 3) pages.push(...rowsOf((await call('lake.files', { offset, limit: 3 })).batch).map((r) => r.file_id));
    expect(pages).toEqual(rows.map((r) => r.file_id));
    expect((await call('lake.files', { offset: 100 })).batch.rowCount).toBe(0);
    expect((await call('lake.files', { limit: 0 })).batch.rowCount).toBe(1);
    expect((await call('lake.files', { limit: 1e9 })).batch.rowCount).toBe(8);
  });

  it('filters by status, stream and key text, and counts each status under the other filters', async () => {
    const byStatus = Object.fromEntries((await query('SELECT status, count(*) AS n FROM lake_file GROUP BY status')).map((r) => [r.status, r.n]));
    expect(byStatus).toEqual({ loaded: 5, partial: 1, rejected: 1, empty: 1 });
    const partial = await call('lake.files', { status: 'partial' });
    expect(partial.matching).toBe(1);
    expect(rowsOf(partial.batch)[0]).toMatchObject({ key: doomed(), status: 'partial', rows: 3, quarantined: 2, records: 5 });
    expect(partial.byStatus).toEqual(byStatus);

    const users = await call('lake.files', { stream: 'userlog' });
    expect(rowsOf(users.batch).map((r) => r.stream)).toEqual(['userlog']);
    expect(users.byStatus).toEqual({ loaded: 1, partial: 0, rejected: 0, empty: 0 });

    const search = await call('lake.files', { search: 'empty' });
    expect(rowsOf(search.batch).map((r) => r.key)).toEqual([join(root(), hour, 'playlog-1-2018-10-12-05-03-00-EMPTY')]);
    expect(search.byStatus).toEqual({ loaded: 0, partial: 0, rejected: 0, empty: 1 });
    expect((await call('lake.files', { search: '05-0', status: 'loaded', stream: 'playlog' })).matching).toBe(2);
    expect((await call('lake.files', { search: "it's 100%_" })).matching).toBe(0);
  });

  it('sorts by rows, quarantined, size and key', async () => {
    const column = async (sort: 'rows' | 'quarantined' | 'size' | 'key', desc?: boolean) =>
      rowsOf((await call('lake.files', { sort, desc })).batch).map((r) => r[sort]);
    const rows = (await column('rows')) as number[];
    expect(rows).toEqual([...rows].sort((a, b) => b - a));
    expect(rows[0]).toBe(40);
    expect(((await column('quarantined')) as number[]).slice(0, 2)).toEqual([3, 2]);
    const sizes = (await column('size', false)) as number[];
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    const keys = (await column('key')) as string[];
    expect(keys).toEqual([...keys].sort());
  });

  it('refuses unknown sorts, statuses and streams', async () => {
    expect(await errorOf('lake.files', { sort: 'nope' })).toBe('BAD_REQUEST');
    expect(await errorOf('lake.files', { status: 'broken' })).toBe('BAD_REQUEST');
    expect(await errorOf('lake.files', { stream: 'chatlog' })).toBe('BAD_REQUEST');
    expect(await errorOf('lake.quarantine', { fileId: 1.5 })).toBe('BAD_REQUEST');
  });

  it("filters the quarantine to one file's lines", async () => {
    const [entry] = await query(`SELECT file_id FROM lake_file WHERE key = '${doomed()}'`);
    const q = await call('lake.quarantine', { fileId: Number(entry.file_id) });
    expect(q.total).toBe(2);
    expect(q.entries.map((e) => [e.file, e.line])).toEqual([
      [doomed(), 2],
      [doomed(), 4],
    ]);
    expect((await call('lake.quarantine', {})).total).toBe(5);
    expect((await call('lake.quarantine', { fileId: 999_999 })).total).toBe(0);
  });

  it('marks a deleted local file missing, never an S3-synced one, and forgets it with its rows and bad lines only', async () => {
    expect(await call('lake.missing', {})).toEqual({ files: 0, rows: 0, quarantined: 0 });
    await rm(doomed());
    const [entry] = await query(`SELECT file_id FROM lake_file WHERE key = '${doomed()}'`);
    const fileId = Number(entry.file_id);

    const page = rowsOf((await call('lake.files', {})).batch);
    expect(page.filter((r) => r.missing).map((r) => r.file_id)).toEqual([fileId]);
    expect(page.find((r) => String(r.key).startsWith('s3://'))?.missing).toBe(false);
    const onlyMissing = await call('lake.files', { missing: true });
    expect(rowsOf(onlyMissing.batch).map((r) => r.file_id)).toEqual([fileId]);
    expect(onlyMissing.byStatus).toEqual({ loaded: 0, partial: 1, rejected: 0, empty: 0 });
    expect(await call('lake.missing', {})).toEqual({ files: 1, rows: 3, quarantined: 2 });

    const before = await snapshot();
    const seen: string[] = [];
    const off = app.services.events.subscribe((name, payload) => name === 'workspace.changed' && seen.push((payload as { reason: string }).reason));
    expect(await call('lake.forget', { missing: true })).toEqual({ files: 1, rows: 3, quarantined: 2 });
    off();
    expect(seen).toEqual(['lake.forget']);

    const after = await snapshot();
    expect(after.perFile).toEqual(before.perFile.filter((f) => f.file_id !== fileId));
    expect(after.totals).toEqual({ play: before.totals.play - 3, usr: before.totals.usr, q: before.totals.q - 2 });
    expect(await query(`SELECT count(*) AS n FROM playlog WHERE source = '${doomed()}'`)).toEqual([{ n: 0 }]);
    expect(await call('lake.missing', {})).toEqual({ files: 0, rows: 0, quarantined: 0 });

    // Importing the folder again finds nothing new: the forgotten file is gone, the rest unchanged.
    const again = await importPath(app.services.ws, root());
    expect(again).toMatchObject({ files: 0, rows: 0 });
    expect(await snapshot()).toEqual(after);
  });

  it('forgets chosen entries, and refuses S3-synced, unknown or ambiguous ones without changing anything', async () => {
    const before = await snapshot();
    const [synced] = await query(`SELECT file_id FROM lake_file WHERE key LIKE 's3://%'`);
    expect(await errorOf('lake.forget', { fileIds: [Number(synced.file_id)] })).toBe('BAD_REQUEST');
    expect(await errorOf('lake.forget', { fileIds: [999_999] })).toBe('NOT_FOUND');
    expect(await errorOf('lake.forget', {})).toBe('BAD_REQUEST');
    expect(await errorOf('lake.forget', { fileIds: [1], missing: true })).toBe('BAD_REQUEST');
    expect(await errorOf('lake.forget', { fileIds: [0.5] })).toBe('BAD_REQUEST');
    // Not beside a running import, which replaces ledger entries in its own transactions.
    const job = await call('lake.import', { dir: root() });
    expect(await errorOf('lake.forget', { missing: true })).toBe('BAD_REQUEST');
    await app.services.jobs.settle(30_000);
    expect(app.services.jobs.list().find((j) => j.id === job.id)?.state).toBe('done');
    expect(await snapshot()).toEqual(before);

    // A file still on disk can be forgotten too; the next import brings it back.
    const empty = join(root(), hour, 'playlog-1-2018-10-12-05-03-00-EMPTY');
    const [entry] = await query(`SELECT file_id FROM lake_file WHERE key = '${empty}'`);
    expect(await call('lake.forget', { fileIds: [Number(entry.file_id), Number(entry.file_id)] })).toEqual({ files: 1, rows: 0, quarantined: 0 });
    expect((await call('lake.files', { search: 'EMPTY' })).matching).toBe(0);
    expect(await importPath(app.services.ws, root())).toMatchObject({ files: 1, rows: 0 });
    expect((await call('lake.files', { search: 'EMPTY' })).matching).toBe(1);
  });
});

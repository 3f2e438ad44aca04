import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { cellValue } from '../../../shared/api/columns.ts';
import type { Envelope } from '../../../shared/api/envelope.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { SqlRunResult } from '../../../shared/api/sql.ts';

const line = (pidx: number, i: number) =>
  JSON.stringify({ posnewx: 1, posnewy: 2, posnewz: 0, posoldx: 1, posoldy: 1, posoldz: 0, pidx, idx: i, action: 1, createdate: `2018-10-10 14:00:0${i}` });

async function call<T>(app: App, method: string, req: unknown): Promise<T> {
  const env = (await app.router.call(method, req)) as Envelope<T>;
  if (!env.ok) throw new Error(`${method}: ${env.error.code} ${env.error.message}`);
  return env.value;
}

async function job(app: App, started: JobInfo): Promise<JobInfo> {
  for (;;) {
    const j = await call<JobInfo>(app, 'jobs.get', { id: started.id });
    if (j.state !== 'running') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sql = (app: App, text: string) => app.router.call('sql.run', { sql: text, queryId: 'q', firstPage: 100 }) as Promise<Envelope<SqlRunResult>>;

describe('the console sandbox', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-sandbox-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    await mkdir(join(dir, 'logs', 'first'), { recursive: true });
    await writeFile(join(dir, 'logs', 'first', 'playlog.json'), [line(1, 1), line(2, 2)].join('\n') + '\n');
    await writeFile(join(dir, 'outside.csv'), 'secret\n=cmd\n');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
    expect((await job(app, await call(app, 'lake.import', { dir: join(dir, 'logs', 'first') }))).state).toBe('done');
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to read /etc/passwd or write /tmp, with a message that says why and what to do', async () => {
    for (const text of [
      `SELECT * FROM read_text('/etc/passwd')`,
      `COPY (SELECT 1) TO '/tmp/rz-sandbox-x.csv'`,
      `SELECT * FROM read_csv('${join(dir, 'outside.csv')}')`,
      `ATTACH '${join(dir, 'other.duckdb')}'`,
    ]) {
      const env = await sql(app, text);
      expect(env.ok).toBe(false);
      if (env.ok) continue;
      expect(env.error.code).toBe('REFUSED');
      expect(env.error.message).toMatch(/only in the workspace's data folder.*Import the file from Sources/);
    }
    expect(existsSync('/tmp/rz-sandbox-x.csv')).toBe(false);
    expect(existsSync(join(dir, 'other.duckdb'))).toBe(false);
  });

  it('cannot be widened from the console', async () => {
    for (const text of [`SET enable_external_access = true`, `SET allowed_directories = ['/']`, `RESET allowed_directories`])
      expect((await sql(app, text)).ok).toBe(false);
    expect((await sql(app, `SELECT * FROM read_text('/etc/passwd')`)).ok).toBe(false);
  });

  it('still reads imported folders and the data folder, and imports keep working after SET enable_external_access=false', async () => {
    expect((await sql(app, `SET enable_external_access = false`)).ok).toBe(true);
    const own = await sql(app, `SELECT count(*)::INTEGER AS n FROM read_json('${join(dir, 'logs', 'first', 'playlog.json')}')`);
    expect(own.ok && own.value.firstPage!.rowCount).toBe(1);
    // A folder never imported before: the workspace reopens with it admitted, and the rows load.
    await mkdir(join(dir, 'logs', 'second'));
    await writeFile(join(dir, 'logs', 'second', 'playlog.json'), line(3, 3) + '\n');
    const second = await job(app, await call(app, 'lake.import', { dir: join(dir, 'logs', 'second') }));
    expect(second.state).toBe('done');
    const rows = await sql(app, 'SELECT count(*)::INTEGER AS n FROM playlog');
    expect(rows.ok && cellValue(rows.value.firstPage!.columns[0], 0)).toBe(3);
    expect((await sql(app, `SELECT * FROM read_text('/etc/passwd')`)).ok).toBe(false);
  });

  it('exports to the data folder, neutralising formula cells unless raw', async () => {
    const r = await sql(app, `SELECT '=HYPERLINK("x")' AS a, '-3' AS b, -3 AS n, 'plain' AS c`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const safe = await call<{ path: string }>(app, 'sql.export', { resultId: r.value.resultId, format: 'csv' });
    expect(await readFile(safe.path, 'utf8')).toBe(`a,b,n,c\r\n"'=HYPERLINK(""x"")",'-3,-3,plain\r\n`);
    const raw = await call<{ path: string }>(app, 'sql.export', { resultId: r.value.resultId, format: 'csv', raw: true });
    expect(await readFile(raw.path, 'utf8')).toBe(`a,b,n,c\r\n"=HYPERLINK(""x"")",-3,-3,plain\r\n`);
  });

  it('workspace.open creates nothing unless asked, and never a folder', async () => {
    const ghost = join(dir, 'nowhere', 'deep', 'w.duckdb');
    expect(await app.router.call('workspace.open', { path: ghost })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await app.router.call('workspace.open', { path: ghost, create: true })).toMatchObject({ ok: false, error: { code: 'IO_ERROR' } });
    expect(await app.router.call('workspace.open', { path: join(dir, 'x.txt'), create: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('streams.import answers counts and reasons, never the file lines', async () => {
    const ended = await job(app, await call(app, 'streams.import', { kind: 'series', path: join(dir, 'outside.csv') }));
    expect(JSON.stringify(ended)).not.toContain('secret');
  });
});

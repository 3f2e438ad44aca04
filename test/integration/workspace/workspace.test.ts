import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { numberValues } from '../../../shared/api/columns.ts';
import type { SqlProgress } from '../../../shared/api/sql.ts';
import { SqlConsole } from '../../../electron/workspace/console.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

describe('workspace (real DuckDB)', () => {
  let dir: string;
  const open: Workspace[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-ws-'));
  });
  afterEach(async () => {
    for (const ws of open.splice(0)) ws.close();
    await rm(dir, { recursive: true, force: true });
  });
  const openTracked = async (...args: Parameters<typeof openWorkspace>) => {
    const ws = await openWorkspace(...args);
    open.push(ws);
    return ws;
  };

  it('creates the schema once and records versions per component', async () => {
    const path = join(dir, 'a.duckdb');
    const component = { name: 'demo', migrations: ['CREATE TABLE t (x INT)', 'ALTER TABLE t ADD COLUMN y INT'] };
    const ws = await openTracked(path, [component]);
    expect(await ws.schemaVersions()).toEqual({ workspace: 4, demo: 2 });
    await ws.db.run('INSERT INTO t VALUES (1, 2)');
    ws.close();
    open.pop();
    // Reopening applies nothing twice and keeps the data.
    const again = await openTracked(path, [component]);
    expect((await again.db.runAndReadAll('SELECT x + y FROM t')).getRows()).toEqual([[3]]);
  });

  it('turns off extension auto-install and auto-load (offline app)', async () => {
    const ws = await openTracked(join(dir, 'b.duckdb'));
    const rows = (
      await ws.db.runAndReadAll(
        `SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY name`,
      )
    ).getRows();
    expect(rows).toEqual([
      ['autoinstall_known_extensions', 'false'],
      ['autoload_known_extensions', 'false'],
    ]);
  });

  it('refuses a file that is not a DuckDB database and leaves it untouched', async () => {
    const path = join(dir, 'notes.duckdb');
    await writeFile(path, 'these are my notes, not a database\n'.repeat(100));
    await expect(openWorkspace(path)).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
    expect(await readFile(path, 'utf8')).toBe('these are my notes, not a database\n'.repeat(100));
    await writeFile(join(dir, 'empty.duckdb'), '');
    await expect(openWorkspace(join(dir, 'empty.duckdb'))).rejects.toMatchObject({ code: 'WORKSPACE_INVALID' });
  });

  it('says which process holds a workspace that is open elsewhere', async () => {
    const path = join(dir, 'held.duckdb');
    (await openWorkspace(path)).close();
    // Another process (as another Redzone would) holds DuckDB's write lock until told to exit.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(process.argv[1]); console.log('ready'); process.stdin.once('data', () => process.exit(0));`,
        path,
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
      },
    );
    try {
      await new Promise((ready, fail) => {
        holder.stdout.once('data', ready);
        holder.once('exit', (code) => fail(new Error(`holder exited with ${code}`)));
      });
      await expect(openWorkspace(path)).rejects.toMatchObject({
        code: 'IO_ERROR',
        message: expect.stringMatching(new RegExp(`open in another program \\(.*PID ${holder.pid}\\)`)),
      });
    } finally {
      holder.stdin.write('\n');
      await new Promise((r) => holder.once('exit', r));
    }
    const reopened = await openTracked(path);
    expect((await reopened.db.runAndReadAll('SELECT 1')).getRows()).toEqual([[1]]);
  });

  it('refuses a workspace from a newer Redzone without changing it', async () => {
    const path = join(dir, 'new.duckdb');
    const ws = await openTracked(path, [{ name: 'demo', migrations: ['CREATE TABLE t (x INT)'] }]);
    await ws.db.run(`UPDATE rz_schema SET version = 9 WHERE component = 'demo'`);
    await ws.db.run('CHECKPOINT');
    ws.close();
    open.pop();
    const before = await stat(path);
    await expect(openWorkspace(path, [{ name: 'demo', migrations: ['CREATE TABLE t (x INT)', 'CREATE TABLE u (y INT)'] }])).rejects.toMatchObject({
      code: 'WORKSPACE_TOO_NEW',
      message: expect.stringContaining('newer than this Redzone'),
    });
    const reopened = await openTracked(path, [{ name: 'demo', migrations: Array(9).fill('SELECT 1') }]);
    expect((await reopened.db.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'u'`)).getRows()).toEqual([[0n]]);
    expect(before.size).toBeGreaterThan(0);
  });

  it('cancels a long query promptly and the connection stays usable', async () => {
    const ws = await openTracked(join(dir, 'c.duckdb'));
    const sql = new SqlConsole(ws);
    const started = Date.now();
    const run = sql.run({ sql: 'SELECT count(*) FROM range(10000000000) t1', queryId: 'long' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sql.cancel('long')).toBe(true);
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5000);
    const after = await sql.run({ sql: 'SELECT 41 + 1 AS answer', queryId: 'next', firstPage: 10 });
    expect(numberValues(after.firstPage!.columns[0])).toEqual(new Float64Array([42]));
    expect((await ws.db.runAndReadAll('SELECT 1')).getRows()).toEqual([[1]]);
    const history = await sql.history();
    expect(history.map((h) => h.error === null)).toEqual([true, false]);
  });

  it("reports a long query's progress per statement, rising, until it is cancelled", async () => {
    const ws = await openTracked(join(dir, 'p.duckdb'));
    const seen: SqlProgress[] = [];
    let enough: () => void;
    const twoRising = new Promise<void>((r) => (enough = r));
    const sql = new SqlConsole(ws, (p) => {
      seen.push(p);
      if (seen.filter((s) => s.percentage > 0).length >= 2) enough();
    });
    // range() reports no progress; a table scan does (a temp table lives on the query's connection). The
    // second statement builds a long string per row (a minute here) so no machine finishes it before the cancel.
    const run = sql.run({
      sql: 'CREATE TEMP TABLE t AS SELECT range AS i FROM range(10000000); SELECT sum(length(repeat(i::VARCHAR, 3000))) FROM t',
      queryId: 'slow',
    });
    await Promise.race([twoRising, new Promise((_, fail) => setTimeout(() => fail(new Error(`progress: ${JSON.stringify(seen)}`)), 10_000))]);
    sql.cancel('slow');
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ queryId: 'slow', statement: 2, statements: 2 });
    expect(last.percentage).toBeGreaterThan(0);
    expect(last.percentage).toBeLessThan(100);
    const percentages = seen.filter((p) => p.statement === 2).map((p) => p.percentage);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(seen.length).toBe(count); // nothing after the query ended
  });

  it('pages a large result by windows and exports it', async () => {
    const ws = await openTracked(join(dir, 'd.duckdb'));
    const sql = new SqlConsole(ws);
    const r = await sql.run({
      sql: 'CREATE TABLE n AS SELECT range AS i FROM range(5); SELECT i * 10 AS v, i::VARCHAR AS s FROM range(100000) t(i) ORDER BY i DESC',
      queryId: 'q',
    });
    expect(r).toMatchObject({
      rowCount: 100000,
      statements: 2,
      columns: [
        { name: 'v', type: 'BIGINT' },
        { name: 's', type: 'VARCHAR' },
      ],
    });
    const page = await sql.page({ resultId: r.resultId!, offset: 99_998, limit: 10 });
    expect(page.rowCount).toBe(2);
    expect(Array.from(numberValues(page.columns[0]))).toEqual([10, 0]);
    const parquet = await sql.export({ resultId: r.resultId!, format: 'parquet' });
    expect((await ws.db.runAndReadAll(`SELECT count(*), max(v) FROM '${parquet.path}'`)).getRows()).toEqual([[100000n, 999990n]]);
    const changed = await sql.run({ sql: 'UPDATE n SET i = i + 1 WHERE i < 3', queryId: 'u' });
    expect(changed.rowsChanged).toBe(3);
    expect(changed.resultId).toBeUndefined();
  });

  it('keeps saved queries beside the presets', async () => {
    const ws = await openTracked(join(dir, 'e.duckdb'));
    const sql = new SqlConsole(ws);
    await sql.save('mine', 'SELECT 1');
    const saved = await sql.saved();
    expect(saved.filter((q) => !q.preset).map((q) => q.name)).toEqual(['mine']);
    expect(saved.some((q) => q.preset && /Red-zone/.test(q.name))).toBe(true);
    await expect(sql.save(saved[0].name, 'x')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

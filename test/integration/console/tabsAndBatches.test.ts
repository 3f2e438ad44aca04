import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { cellValue, type ColumnBatch } from '../../../shared/api/columns.ts';
import type { SqlRunResult, SqlTabs } from '../../../shared/api/sql.ts';

/** The console's editor tabs persist in the workspace; "Run all" answers one result per statement. */
describe('SQL tabs and batches', () => {
  let dir: string;
  let app: App;
  const path = () => join(dir, 'w.duckdb');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-tabs-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(path(), () => {});
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function call<T>(method: string, req: unknown): Promise<T> {
    const r = await app.router.call(method, req);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  }
  const firstCell = async (resultId: string) => {
    const b = await call<ColumnBatch>('sql.page', { resultId, offset: 0, limit: 10 });
    return cellValue(b.columns[0], 0);
  };

  it('starts with no tabs, keeps saved ones across reopening the workspace, in order with the active one', async () => {
    expect(await call<SqlTabs>('sql.tabs', {})).toEqual({ tabs: [], active: null });
    const tabs: SqlTabs = {
      tabs: [
        { id: 'a', name: 'Query 1', sql: 'SELECT 1;' },
        { id: 'b', name: 'red zone', sql: "SELECT 'it''s' AS quote;\nSELECT 2;" },
        { id: 'c', name: 'Query 3', sql: '' },
      ],
      active: 'b',
    };
    expect(await call<SqlTabs>('sql.saveTabs', tabs)).toEqual(tabs);
    await app.close();
    app = await createApp(path(), () => {});
    expect(await call<SqlTabs>('sql.tabs', {})).toEqual(tabs);
    // Saving replaces the list: closing a tab and renaming another sticks.
    const fewer: SqlTabs = { tabs: [{ id: 'c', name: 'scratch', sql: 'SELECT 3;' }, tabs.tabs[0]], active: 'a' };
    await call('sql.saveTabs', fewer);
    expect(await call<SqlTabs>('sql.tabs', {})).toEqual(fewer);
  });

  it('refuses malformed tabs and keeps the saved ones', async () => {
    const before = await call<SqlTabs>('sql.tabs', {});
    await expect(call('sql.saveTabs', { tabs: [{ id: 'x', name: 'x', sql: '' }], active: 'y' })).rejects.toThrow(/BAD_REQUEST/);
    await expect(
      call('sql.saveTabs', {
        tabs: [
          { id: 'x', name: 'x', sql: '' },
          { id: 'x', name: 'y', sql: '' },
        ],
        active: 'x',
      }),
    ).rejects.toThrow(/distinct/);
    await expect(call('sql.saveTabs', { tabs: 'nope' })).rejects.toThrow(/BAD_REQUEST/);
    expect(await call<SqlTabs>('sql.tabs', {})).toEqual(before);
  });

  it('answers one result per statement, each as it was when its statement ran', async () => {
    const run = await call<SqlRunResult>('sql.run', {
      queryId: 'q1',
      sql: 'CREATE TEMP TABLE t (n BIGINT);\nINSERT INTO t SELECT * FROM range(5);\nSELECT count(*) AS n FROM t;\nDELETE FROM t WHERE n < 2;\nSELECT count(*) AS n FROM t;',
    });
    expect(run.statements).toBe(5);
    expect(run.results?.map((r) => ({ sql: r.sql.split(' ')[0], rows: r.rowCount, changed: r.rowsChanged, kept: !!r.resultId }))).toEqual([
      { sql: 'CREATE', rows: 0, changed: 0, kept: false },
      { sql: 'INSERT', rows: 0, changed: 5, kept: false },
      { sql: 'SELECT', rows: 1, changed: undefined, kept: true },
      { sql: 'DELETE', rows: 0, changed: 2, kept: false },
      { sql: 'SELECT', rows: 1, changed: undefined, kept: true },
    ]);
    expect(Number(await firstCell(run.results![2].resultId!))).toBe(5);
    expect(Number(await firstCell(run.results![4].resultId!))).toBe(3);
    // The top level is the last statement's, as for a single statement.
    expect(run.resultId).toBe(run.results![4].resultId);
    // Closing one result of the batch leaves the others (same connection) readable.
    await call('sql.close', { resultId: run.results![4].resultId });
    expect(Number(await firstCell(run.results![2].resultId!))).toBe(5);
    await expect(firstCell(run.results![4].resultId!)).rejects.toThrow(/NOT_FOUND/);
  });

  it('answers a single statement without a results list', async () => {
    const run = await call<SqlRunResult>('sql.run', { queryId: 'q2', sql: 'SELECT 42 AS x' });
    expect(run.results).toBeUndefined();
    expect(Number(await firstCell(run.resultId!))).toBe(42);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { cellValue, type ColumnBatch } from '../../../shared/api/columns.ts';
import type { ColumnProfile, SqlRunResult, SqlSortResult } from '../../../shared/api/sql.ts';

/** sql.sort re-orders a kept result in DuckDB: pages, export order and "back to the query's order". */
describe('sorting a console result on the server', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-sort-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
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
  const column = (b: ColumnBatch, i: number) => Array.from({ length: b.rowCount }, (_, r) => cellValue(b.columns[i], r));

  it('sorts ascending and descending with nulls last, then restores the order', async () => {
    const run = await call<SqlRunResult>('sql.run', {
      sql: `SELECT * FROM (VALUES (1, 'b'), (2, NULL), (3, 'a'), (4, 'b'), (5, 'c')) t(id, k)`,
      queryId: 'q1',
    });
    const page = () => call<ColumnBatch>('sql.page', { resultId: run.resultId, offset: 0, limit: 10 });
    const sorted = await call<SqlSortResult>('sql.sort', { resultId: run.resultId, column: 'k' });
    expect(sorted).toMatchObject({ resultId: run.resultId, column: 'k', desc: false, rowCount: 5 });
    expect(column(await page(), 1)).toEqual(['a', 'b', 'b', 'c', null]);
    expect(column(await page(), 0)[0]).toBe(3);
    await call('sql.sort', { resultId: run.resultId, column: 'k', desc: true });
    expect(column(await page(), 1)).toEqual(['c', 'b', 'b', 'a', null]);
    expect(column(await page(), 0)[0]).toBe(5);
    await call('sql.sort', { resultId: run.resultId, column: null });
    expect(column(await page(), 0)).toEqual([1, 2, 3, 4, 5]);
  });

  it('sorts a 1M-row result and pages any window of it', async () => {
    const run = await call<SqlRunResult>('sql.run', { sql: 'SELECT range AS i, hash(range) % 1000 AS bucket FROM range(1000000)', queryId: 'q2' });
    await call('sql.sort', { resultId: run.resultId, column: 'bucket', desc: true });
    // The bucket at row 500,000 of the sorted rows, and every row of the page belongs to it.
    const [[bucket]] = (
      await app.services.ws.db.runAndReadAll('SELECT b::DOUBLE FROM (SELECT hash(range) % 1000 AS b FROM range(1000000)) ORDER BY b DESC LIMIT 1 OFFSET 500000')
    ).getRows();
    const mid = await call<ColumnBatch>('sql.page', { resultId: run.resultId, offset: 500_000, limit: 5 });
    expect(column(mid, 1)).toEqual(Array(5).fill(Number(bucket)));
    const ids = column(mid, 0).join(', ');
    const buckets = (
      await app.services.ws.db.runAndReadAll(
        `SELECT DISTINCT (hash(i) % 1000)::DOUBLE FROM (VALUES ${column(mid, 0)
          .map((i) => `(${i}::BIGINT)`)
          .join(', ')}) t(i)`,
      )
    ).getRows();
    expect(buckets, ids).toEqual([[Number(bucket)]]);
    const last = await call<ColumnBatch>('sql.page', { resultId: run.resultId, offset: 999_999, limit: 5 });
    expect(column(last, 1)).toEqual([0]);
  });

  it('refuses unknown columns and gone results', async () => {
    const run = await call<SqlRunResult>('sql.run', { sql: 'SELECT 1 AS x', queryId: 'q3' });
    expect(await app.router.call('sql.sort', { resultId: run.resultId, column: 'nope' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await app.router.call('sql.sort', { resultId: 'r999', column: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('profiling a console result column in DuckDB', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-profile-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts nulls and distinct values, finds the range and bins numbers, times and text', async () => {
    const r = await app.router.call('sql.run', {
      sql: `SELECT CASE WHEN range % 10 = 0 THEN NULL ELSE range % 100 END AS n, TIMESTAMP '2018-10-12' + INTERVAL (range) MINUTE AS t, 'k' || (range % 3) AS k FROM range(1000)`,
      queryId: 'p1',
    });
    if (!r.ok) throw new Error(r.error.message);
    const { resultId } = r.value as SqlRunResult;
    const profile = async (column: string) => {
      const p = await app.router.call('sql.profile', { resultId, column });
      if (!p.ok) throw new Error(p.error.message);
      return p.value as ColumnProfile;
    };
    const n = await profile('n');
    expect(n).toMatchObject({ column: 'n', rows: 1000, nulls: 100, distinct: 90, min: '1', max: '99' });
    expect(n.histogram.kind).toBe('bins');
    expect(n.histogram.buckets.reduce((a, b) => a + b.count, 0)).toBe(900);
    const t = await profile('t');
    expect(t).toMatchObject({ nulls: 0, distinct: 1000, min: '2018-10-12 00:00:00', max: '2018-10-12 16:39:00' });
    expect(t.histogram.buckets.reduce((a, b) => a + b.count, 0)).toBe(1000);
    expect(t.histogram.buckets[0].label).toBe('2018-10-12 00:00:00');
    const k = await profile('k');
    expect(k.histogram).toEqual({
      kind: 'top',
      buckets: [
        { label: 'k0', count: 334 },
        { label: 'k1', count: 333 },
        { label: 'k2', count: 333 },
      ],
    });
    expect(await app.router.call('sql.profile', { resultId, column: 'nope' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';

describe('SQL console in Chromium (browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await rz.page.getByTestId('nav-sql').click();
  });
  afterAll(async () => rz?.close());

  async function typeAndRun(sql: string) {
    const editor = rz.page.locator('[data-testid="sql-editor"] .cm-content');
    await editor.click();
    await rz.page.keyboard.press('Control+A');
    await rz.page.keyboard.press('Delete');
    await editor.fill(sql);
    if (sql.includes(';\n')) await rz.page.keyboard.press('Control+A'); // several statements: run the selection
    await rz.page.keyboard.press('Control+Enter');
  }

  it('runs a typed query and shows its rows', async () => {
    await typeAndRun("SELECT n, n * 1.5 AS half, 'p' || n AS name FROM range(25) t(n)");
    await expect.poll(() => rz.page.getByTestId('status').textContent()).toContain('25 rows');
    const grid = rz.page.getByTestId('result-grid');
    await expect.poll(() => grid.locator('[role=row]').first().textContent()).toContain('p0');
    expect(await grid.locator('.th .name').allTextContents()).toEqual(['n', 'half', 'name']);
    await rz.screenshot('sql-console');
  });

  it('shows DuckDB errors', async () => {
    await typeAndRun('SELECT * FROM no_such_table');
    await expect.poll(() => rz.page.getByTestId('sql-error').textContent()).toMatch(/no_such_table/);
  });

  it('cancels a long query and stays usable', async () => {
    await typeAndRun('SELECT count(*) FROM range(10000000000) t1');
    await expect.poll(() => rz.page.getByTestId('status').textContent()).toContain('Running');
    const started = Date.now();
    await rz.page.getByTestId('cancel').click();
    await expect.poll(() => rz.page.getByTestId('sql-error').textContent()).toMatch(/cancel/i);
    expect(Date.now() - started).toBeLessThan(5000);
    await typeAndRun('SELECT 7 AS seven');
    await expect.poll(() => rz.page.getByTestId('status').textContent()).toContain('1 rows');
  });

  it("shows a long query's progress from DuckDB while it runs, and cancels it", async () => {
    // A table scan reports progress (range() does not); the selection runs both statements.
    await typeAndRun(`CREATE TEMP TABLE t AS SELECT range AS i FROM range(20000000);\nSELECT count(*) FROM t WHERE md5(md5(md5(i::VARCHAR))) LIKE '%abc%';`);
    await expect.poll(() => rz.page.getByTestId('status').textContent(), { timeout: 20_000 }).toMatch(/\d+% · statement 2 of 2 · Running/);
    await expect.poll(async () => Number((await rz.page.getByTestId('status').textContent())?.match(/(\d+)%/)?.[1] ?? 0)).toBeGreaterThan(0);
    await rz.screenshot('sql-progress');
    await rz.page.getByTestId('cancel').click();
    await expect.poll(() => rz.page.getByTestId('sql-error').textContent()).toMatch(/cancel/i);
    await expect.poll(() => rz.page.getByTestId('query-progress').count()).toBe(0);
  });

  it('scrolls a 1,000,000-row result by fetching windows on demand', async () => {
    await typeAndRun('SELECT range AS i, range * 2 AS twice FROM range(1000000)');
    await expect.poll(() => rz.page.getByTestId('status').textContent(), { timeout: 30_000 }).toContain('1,000,000 rows');
    const grid = rz.page.getByTestId('result-grid');
    expect(await grid.getAttribute('data-rows')).toBe('1000000');
    const scroller = grid.locator('.scroller');
    // Jump to the middle and to the end; the rows shown must be the ones at those positions.
    await scroller.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
    await expect.poll(async () => Number(await grid.locator('[role=row] .rownum').first().textContent())).toBeGreaterThan(400_000);
    const mid = Number(await grid.locator('[role=row] .rownum').first().textContent());
    await expect.poll(() => grid.locator('[role=row]').first().locator('.td').first().textContent()).toBe(String(mid - 1));
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => grid.locator('[role=row]').last().locator('.td').first().textContent()).toBe('999999');
    // Only the visible window is in the DOM.
    expect(await grid.locator('[role=row]').count()).toBeLessThan(80);
    await rz.screenshot('sql-1m-rows');
  });

  it('exports the result to CSV with RFC 4180 bytes', async () => {
    await typeAndRun(`SELECT * FROM (VALUES (1, 'plain'), (2, 'comma, inside'), (3, 'quote "q"'), (4, 'line\nbreak'), (5, 'ünïcode')) t(id, txt) ORDER BY id`);
    await expect.poll(() => rz.page.getByTestId('status').textContent()).toContain('5 rows');
    const download = rz.page.waitForEvent('download');
    await rz.page.getByTestId('export-csv').click();
    const file = await (await download).path();
    const bytes = await readFile(file, 'utf8');
    expect(bytes).toBe('id,txt\r\n1,plain\r\n2,"comma, inside"\r\n3,"quote ""q"""\r\n4,"line\nbreak"\r\n5,ünïcode\r\n');
  });

  it('logs no page errors', () => {
    expect(rz.problems.filter((p) => !/403|no_such_table|Failed to load resource/.test(p))).toEqual([]);
  });
});

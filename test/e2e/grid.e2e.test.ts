import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #13 item 1: the grid every table uses. Columns past the right edge render while scrolling
 * both ways; cells are selected and copied as TSV; a column copies as CSV or SQL IN (…); columns
 * resize and fit.
 */
describe('grid in Chromium (browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await rz.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(rz.url).origin });
    await rz.page.getByTestId('nav-sql').click();
  });
  afterAll(async () => rz?.close());

  const grid = () => rz.page.getByTestId('result-grid');
  const clipboard = () => rz.page.evaluate(() => navigator.clipboard.readText());

  async function run(sql: string, rows: string) {
    const editor = rz.page.locator('[data-testid="sql-editor"] .cm-content');
    await editor.click();
    await rz.page.keyboard.press('Control+A');
    await rz.page.keyboard.press('Delete');
    await editor.fill(sql);
    await rz.page.keyboard.press('Control+Enter');
    await expect.poll(() => rz.page.getByTestId('status').textContent(), { timeout: 60_000 }).toContain(`${rows} rows`);
  }

  /** The text of the cells in the column with that 1-based index, top to bottom (rendered cells only). */
  const columnCells = (col: number) => grid().locator(`[role=row] [role=gridcell][aria-colindex="${col}"]`).allTextContents();

  it('scrolls right to the last of 40 columns and back, rendering the cells there', async () => {
    const select = Array.from({ length: 40 }, (_, i) => `n * ${i + 1} AS c${i + 1}`).join(', ');
    await run(`SELECT ${select} FROM range(500) t(n)`, '500');
    expect(await grid().locator('.th .name').count()).toBe(40);
    // Only the columns in view are in the DOM.
    await expect.poll(() => columnCells(1).then((c) => c.slice(0, 3))).toEqual(['0', '1', '2']);
    expect(await columnCells(40)).toEqual([]);
    const scroller = grid().locator('.scroller');
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect.poll(() => columnCells(40).then((c) => c.slice(0, 3))).toEqual(['0', '40', '80']);
    const cells = await grid().locator('[role=row]').first().locator('[role=gridcell]').count();
    expect(cells).toBeLessThan(20);
    // The last column sits inside the visible box, with its header above it.
    const box = (await scroller.boundingBox())!;
    const last = (await grid().locator('[role=row]').nth(1).locator('[aria-colindex="40"]').boundingBox())!;
    expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width + 1);
    expect(last.x).toBeGreaterThan(box.x);
    const head = (await grid().locator('.th[aria-colindex="40"]').boundingBox())!;
    expect(Math.abs(head.x - last.x)).toBeLessThan(1);
    // Row numbers stay pinned on the left.
    const rownum = (await grid().locator('[role=row] .rownum').first().boundingBox())!;
    expect(Math.abs(rownum.x - box.x)).toBeLessThan(2);
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => columnCells(40).then((c) => c.at(-1))).toBe(String(499 * 40));
    await rz.screenshot('grid-40-columns-right');
    await scroller.evaluate((el) => ((el.scrollLeft = 0), (el.scrollTop = 0)));
    await expect.poll(() => columnCells(1).then((c) => c.slice(0, 2))).toEqual(['0', '1']);
    expect(await columnCells(40)).toEqual([]);
  });

  it('copies a 3×3 range as TSV: click, shift-click; and a drag', async () => {
    await run(`SELECT n AS a, 'x' || n AS b, n * 0.5 AS c, NULL::INT AS d, 'tab\there' AS e FROM range(50) t(n)`, '50');
    const cellAt = (row: number, col: number) => grid().locator(`[role=row][aria-rowindex="${row}"] [aria-colindex="${col}"]`);
    await cellAt(2, 1).click();
    await cellAt(4, 3).click({ modifiers: ['Shift'] });
    expect(await grid().locator('.td.sel').count()).toBe(9);
    await rz.page.keyboard.press('Control+C');
    await expect.poll(clipboard).toBe('1\tx1\t0.5\n2\tx2\t1\n3\tx3\t1.5');
    await expect.poll(() => rz.page.getByTestId('grid-note').textContent()).toContain('3 rows × 3 columns');
    await rz.screenshot('grid-range-selected');
    // A drag from (row 6, col 3) to (row 8, col 5): NULL is an empty cell, a tab is quoted.
    const from = (await cellAt(6, 3).boundingBox())!;
    const to = (await cellAt(8, 5).boundingBox())!;
    await rz.page.mouse.move(from.x + 5, from.y + 5);
    await rz.page.mouse.down();
    await rz.page.mouse.move(to.x + 5, to.y + 5, { steps: 6 });
    await rz.page.mouse.up();
    expect(await grid().locator('.td.sel').count()).toBe(9);
    await rz.page.keyboard.press('Control+C');
    await expect.poll(clipboard).toBe('2.5\t\t"tab\there"\n3\t\t"tab\there"\n3.5\t\t"tab\there"');
  });

  it('copies a column as CSV and as SQL IN (…)', async () => {
    await run(`SELECT n, CASE WHEN n % 2 = 0 THEN 'even' ELSE 'o''dd' END AS kind FROM range(5) t(n)`, '5');
    await grid().locator('.th[aria-colindex="2"]').hover();
    await grid().locator('.th[aria-colindex="2"]').getByTestId('column-menu').click();
    await rz.page.getByTestId('copy-column-csv').click();
    await expect.poll(clipboard).toBe("kind\r\neven\r\no'dd\r\neven\r\no'dd\r\neven\r\n");
    await grid().locator('.th[aria-colindex="2"]').click({ button: 'right' });
    await rz.page.getByTestId('copy-column-in').click();
    await expect.poll(clipboard).toBe("IN ('even', 'o''dd')");
    await grid().locator('.th[aria-colindex="1"]').click({ button: 'right' });
    await rz.page.getByTestId('copy-column-in').click();
    await expect.poll(clipboard).toBe('IN (0, 1, 2, 3, 4)');
  });

  it('resizes a column by dragging its edge, fits it on double-click, and shows cut text as a tooltip', async () => {
    await run(`SELECT 'a fairly long piece of text that does not fit in the column' AS long_text, 1 AS one FROM range(3)`, '3');
    const th = grid().locator('.th[aria-colindex="1"]');
    const width = async () => (await th.boundingBox())!.width;
    const before = await width();
    const edge = (await th.getByTestId('column-resize').boundingBox())!;
    await rz.page.mouse.move(edge.x + edge.width / 2, edge.y + 10);
    await rz.page.mouse.down();
    await rz.page.mouse.move(edge.x + edge.width / 2 - 60, edge.y + 10, { steps: 4 });
    await rz.page.mouse.up();
    expect(Math.round(await width())).toBe(Math.round(before - 60));
    const cell = grid().locator('[role=row]').first().locator('[aria-colindex="1"]');
    await cell.hover();
    await expect.poll(() => cell.getAttribute('title')).toBe('a fairly long piece of text that does not fit in the column');
    await th.getByTestId('column-resize').dblclick();
    await expect.poll(width).toBeGreaterThan(before + 100);
    const fits = await cell.evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
    await rz.screenshot('grid-fitted-column');
  });

  it('profiles a column on demand: type, nulls, distinct, range and a histogram, from DuckDB', async () => {
    await run(`SELECT CASE WHEN range % 10 = 0 THEN NULL ELSE range % 100 END AS n, 'k' || (range % 3) AS k FROM range(1000)`, '1,000');
    await grid().locator('.th[aria-colindex="1"]').click({ button: 'right' });
    await rz.page.getByTestId('profile-column').click();
    const panel = grid().getByTestId('column-profile');
    await expect.poll(() => panel.getByTestId('profile-distinct').count()).toBe(1);
    expect(await panel.getByTestId('profile-type').textContent()).toBe('BIGINT');
    expect(await panel.getByTestId('profile-nulls').textContent()).toBe('100 (10%)');
    expect(await panel.getByTestId('profile-distinct').textContent()).toBe('90');
    expect([await panel.getByTestId('profile-min').textContent(), await panel.getByTestId('profile-max').textContent()]).toEqual(['1', '99']);
    expect(await panel.locator('.bar').count()).toBe(16);
    await rz.screenshot('grid-column-profile');
    await rz.page.keyboard.press('Escape');
    await grid().locator('.th[aria-colindex="2"]').click({ button: 'right' });
    await rz.page.getByTestId('profile-column').click();
    await expect.poll(() => panel.locator('.bar .label').allTextContents()).toEqual(['k0', 'k1', 'k2']);
    // A new result closes it: the profile was of the old rows.
    await run('SELECT range AS two FROM range(2)', '2');
    expect(await panel.count()).toBe(0);
  });

  it('sorts a 1,000,000-row result by a column on the server: ascending, descending, then the query order', async () => {
    const sql = 'SELECT range AS i, hash(range) % 1000 AS bucket FROM range(1000000)';
    await run(sql, '1,000,000');
    const db = rz.app.services.ws.db;
    /** Whether every i shown on top is one whose bucket is b (ties come in DuckDB's order). */
    const topInBucket = async (b: number) => {
      const shown = (await columnCells(1)).slice(0, 5);
      const rows = (await db.runAndReadAll(`SELECT count(*)::DOUBLE FROM (${sql}) WHERE bucket = ${b} AND i IN (${shown.join(', ')})`)).getRows();
      return shown.length === 5 && Number(rows[0][0]) === 5;
    };
    const header = grid().locator('.th[aria-colindex="2"]');
    const clicked = Date.now();
    await header.locator('.sort').click();
    await expect.poll(() => rz.page.getByTestId('sort-status').textContent(), { timeout: 30_000 }).toMatch(/sorted by bucket in \d+ ms/);
    await expect.poll(() => topInBucket(0)).toBe(true);
    const shownMs = Date.now() - clicked;
    expect(await header.locator('.name').textContent()).toBe('bucket ▲');
    expect((await columnCells(2)).slice(0, 5)).toEqual(['0', '0', '0', '0', '0']);
    const serverMs = Number((await rz.page.getByTestId('sort-status').textContent())!.match(/in (\d+) ms/)![1]);
    // The last row of the sorted million, by jumping there.
    await grid()
      .locator('.scroller')
      .evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => columnCells(2).then((c) => c.at(-1))).toBe('999');
    await rz.screenshot('grid-sorted-1m');

    await header.locator('.sort').click();
    await expect.poll(() => rz.page.getByTestId('sort-status').textContent(), { timeout: 30_000 }).toContain('descending');
    await expect.poll(() => topInBucket(999)).toBe(true);
    expect((await columnCells(2)).slice(0, 5)).toEqual(['999', '999', '999', '999', '999']);
    await header.locator('.sort').click();
    await expect.poll(() => rz.page.getByTestId('sort-status').count()).toBe(0);
    await expect.poll(() => columnCells(1).then((c) => c.slice(0, 3))).toEqual(['0', '1', '2']);

    // DuckDB's own ORDER BY of the same rows into a table, in the same run, for comparison.
    const conn = await rz.app.services.ws.connect();
    await conn.run(`CREATE TEMP TABLE src AS ${sql}`);
    const t0 = performance.now();
    await conn.run('CREATE TEMP TABLE dst AS SELECT * FROM src ORDER BY bucket');
    const duckMs = performance.now() - t0;
    conn.closeSync();
    console.log(
      `[grid timing] sort 1M rows by a column: sql.sort ${serverMs} ms on the server, ${shownMs} ms click to sorted rows on screen; DuckDB's own ORDER BY into a table ${duckMs.toFixed(0)} ms (ratio ${(serverMs / duckMs).toFixed(2)})`,
    );
  });

  it('prints frame times while scrolling 200 columns × 1,000,000 rows sideways', async () => {
    const select = Array.from({ length: 200 }, (_, i) => `(range + ${i})::INTEGER AS c${i + 1}`).join(', ');
    await run(`SELECT ${select} FROM range(1000000)`, '1,000,000');
    const scroller = grid().locator('.scroller');
    await scroller.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
    await expect.poll(() => columnCells(1).then((c) => c.length > 0 && !c.includes(''))).toBe(true);
    const frames = await scroller.evaluate(async (el) => {
      const times: number[] = [];
      const steps = 150;
      const span = el.scrollWidth - el.clientWidth;
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      let last = await frame();
      for (let k = 1; k <= 2 * steps; k++) {
        // Right across the whole width, then back.
        el.scrollLeft = k <= steps ? (span * k) / steps : (span * (2 * steps - k)) / steps;
        const now = await frame();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    console.log(
      `[grid timing] 200 columns × 1M rows, ${frames.length} sideways scroll frames: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (target < 50 ms)`,
    );
    // It really went there and back: the first column shows again, and the last one showed on the way.
    const row = Number(await grid().locator('[role=row] .rownum').first().textContent()) - 1;
    await expect.poll(() => columnCells(1).then((c) => c[0])).toBe(String(row));
    await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect.poll(() => columnCells(200).then((c) => c[0])).toBe(String(row + 199));
    await rz.screenshot('grid-200-columns');
  });

  it('logs no page errors', () => {
    expect(rz.problems).toEqual([]);
  });
});

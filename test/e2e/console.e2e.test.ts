import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlaylog } from '../integration/investigate/syntheticPlaylog.ts';
import { startRedzone, type Redzone } from './harness.ts';

async function typeAndRun(page: Page, sql: string) {
  await page.getByTestId('nav-sql').click();
  const editor = page.locator('[data-testid="sql-editor"] .cm-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor.fill(sql);
  await page.keyboard.press('Control+Enter');
}

describe("the console can't wreck the workspace (Chromium, browser mode)", () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await writePlaylog(join(rz.dir, 'lake', 'playlog', '2018', '10', '12', '05', 'p.parquet'), 20_000, 1);
  });
  afterAll(async () => rz?.close());

  it('refuses DROP VIEW playlog with a message, and the Map still works', async () => {
    const { page } = rz;
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('lake-dir').fill(join(rz.dir, 'lake'));
    await page.getByTestId('lake-import').click();
    await expect
      .poll(async () => (await rz.app.services.ws.db.runAndReadAll('SELECT count(*)::INTEGER FROM playlog')).getRows()[0][0], { timeout: 60_000 })
      .toBe(20_000);

    await typeAndRun(page, 'DROP VIEW playlog');
    await expect
      .poll(() => page.getByTestId('sql-error').textContent())
      .toMatch(/"playlog" is one of Redzone's own views and cannot be dropped.*forget its files in Sources/);
    await rz.screenshot('console-drop-refused');

    await page.getByTestId('nav-map').click();
    await expect.poll(() => page.getByTestId('map-stats').getAttribute('data-rows'), { timeout: 30_000 }).toBe('20000');
    await expect.poll(() => page.getByTestId('map-stats').textContent(), { timeout: 30_000 }).toMatch(/draw \d+ ms/);
    await rz.screenshot('console-map-after-drop');
    expect(rz.problems.filter((p) => !/403|REFUSED|Failed to load resource/.test(p))).toEqual([]);
  });

  it('refuses reading /etc/passwd from the SQL view', async () => {
    await typeAndRun(rz.page, "SELECT * FROM read_text('/etc/passwd')");
    await expect.poll(() => rz.page.getByTestId('sql-error').textContent()).toMatch(/only in the workspace's data folder/);
  });
});

describe('two browser-mode instances side by side (one browser)', () => {
  let a: Redzone;
  let b: Redzone;
  beforeAll(async () => {
    a = await startRedzone();
    b = await startRedzone();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('both keep working, and a new tab on the address-bar URL works', async () => {
    // The second instance opened in the first one's browser: before, its cookie replaced the first's.
    const second = await a.context.newPage();
    await second.goto(b.url);
    await typeAndRun(second, 'SELECT 2 AS instance');
    await expect.poll(() => second.getByTestId('status').textContent()).toMatch(/1 rows?/);

    await a.page.reload();
    await typeAndRun(a.page, 'SELECT 1 AS instance');
    await expect.poll(() => a.page.getByTestId('status').textContent()).toMatch(/1 rows?/);
    expect(a.page.url()).not.toContain('token');

    // A new tab on the address-bar URL (no token in it) of the first instance.
    const tab = await a.context.newPage();
    await tab.goto(a.page.url());
    await typeAndRun(tab, 'SELECT 3 AS instance');
    await expect.poll(() => tab.getByTestId('status').textContent()).toMatch(/1 rows?/);
    await a.screenshot('two-instances-first');
    // The history the browser keeps has no token after the first redirect.
    for (const p of [a.page, second, tab]) expect(p.url()).not.toContain('token');
  });
});

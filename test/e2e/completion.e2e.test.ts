import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';

/** Issue #13.4: the console completes bare column names and an alias's columns, with icons that render. */
describe('SQL autocomplete in Chromium (browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await rz.page.getByTestId('nav-sql').click();
  });
  afterAll(async () => rz?.close());

  const options = () => rz.page.locator('.cm-tooltip-autocomplete li .cm-completionLabel').allTextContents();

  async function type(sql: string) {
    const editor = rz.page.locator('[data-testid="sql-editor"] .cm-content');
    await rz.page.keyboard.press('Escape'); // close an open completion list
    await editor.click();
    await rz.page.keyboard.press('Control+A');
    await rz.page.keyboard.press('Delete');
    await rz.page.keyboard.type(sql, { delay: 15 });
  }

  it('offers a bare column of the table the statement reads', async () => {
    await type('SELECT * FROM userprofile WHERE ucl');
    await expect.poll(options, { timeout: 10_000 }).toContain('uclass');
    // The icon is a visible letter, not an empty box.
    const icon = await rz.page
      .locator('.cm-tooltip-autocomplete li .cm-completionIcon-property')
      .first()
      .evaluate((el) => getComputedStyle(el, '::after').content);
    expect(icon).toBe('"c"');
    await rz.screenshot('sql-autocomplete');
    await rz.page.keyboard.press('Enter');
    await expect.poll(() => rz.page.locator('[data-testid="sql-editor"] .cm-content').textContent()).toBe('SELECT * FROM userprofile WHERE uclass');
  });

  it("offers an alias's columns after its dot", async () => {
    await type('SELECT * FROM playlog p JOIN userprofile u USING (pidx) WHERE u.');
    await expect.poll(options, { timeout: 10_000 }).toEqual(expect.arrayContaining(['uclass', 'ulevel']));
    expect(await options()).not.toContain('posnewx');
  });

  it("offers DuckDB's functions from the workspace's catalog", async () => {
    await type('SELECT regexp_ma');
    await expect.poll(options, { timeout: 10_000 }).toContain('regexp_matches');
    expect(rz.problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlTabs } from '../../shared/api/sql.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #13 item 2: views keep their state across tab switches, the URL hash names the place (a
 * reload or back/forward returns there), SQL editor tabs persist in the workspace, and Run all shows
 * one result per statement. Item 6: screenshots at 1024×700 and 1920×1080.
 */
describe('state that lasts (Chromium, browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
  });
  afterAll(async () => rz?.close());

  it('loads the demo data set', async () => {
    const started = await rz.app.router.call('lake.loadDemo', {});
    if (!started.ok) throw new Error(started.error.message);
    const id = (started.value as { id: string }).id;
    const state = async () => ((await rz.app.router.call('jobs.get', { id })) as { ok: true; value: { state: string } }).value.state;
    await expect.poll(state, { timeout: 180_000 }).toBe('done');
    await rz.page.reload();
    await expect.poll(() => rz.page.getByTestId('empty-banner').count(), { timeout: 30_000 }).toBe(0);
  }, 200_000);

  const editorText = () => rz.page.locator('[data-testid="sql-editor"] .cm-content').innerText();
  async function type(sql: string) {
    const editor = rz.page.locator('[data-testid="sql-editor"] .cm-content');
    await editor.click();
    await rz.page.keyboard.press('Control+A');
    await rz.page.keyboard.press('Delete');
    await editor.fill(sql);
  }
  const hash = () => rz.page.evaluate(() => location.hash);
  const mapRange = () =>
    rz.page.evaluate(() => {
      const gd = document.querySelector('[data-testid=map-plot]') as unknown as {
        _fullLayout?: { xaxis: { range: number[] }; yaxis: { range: number[] } };
      } | null;
      return gd?._fullLayout ? [...gd._fullLayout.xaxis.range, ...gd._fullLayout.yaxis.range].map((v) => Math.round(v)) : null;
    });
  const mapDrawn = () => expect.poll(() => rz.page.getByTestId('map-stats').getAttribute('data-rows'), { timeout: 30_000 }).not.toBe('');

  it('comes back to the same editor text, result and map viewport after switching views', async () => {
    const { page } = rz;
    await page.getByTestId('nav-sql').click();
    await type('SELECT uclass, count(*) AS n FROM userprofile GROUP BY ALL ORDER BY 1');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/\d+ rows/);
    const status = (await page.getByTestId('status').textContent())!.replace(/ · \d+ ms.*/, '');
    // The grid draws its row numbers before the window of cells arrives, so wait for a filled row.
    const firstRowText = () => page.getByTestId('result-grid').locator('[role=row]').first().textContent();
    await expect.poll(firstRowText).toMatch(/^1\s*\S/);
    const firstRow = await firstRowText();

    await page.getByTestId('nav-map').click();
    await mapDrawn();
    const before = await mapRange();
    // A box zoom in the default zoom mode.
    const box = (await page.getByTestId('map-plot').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.35);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 8 });
    await page.mouse.up();
    await expect.poll(mapRange).not.toEqual(before);
    await page.waitForTimeout(400);
    const zoomed = await mapRange();

    await page.getByTestId('nav-sql').click();
    expect(await editorText()).toBe('SELECT uclass, count(*) AS n FROM userprofile GROUP BY ALL ORDER BY 1');
    expect(await page.getByTestId('status').textContent()).toContain(status);
    await expect.poll(firstRowText).toBe(firstRow);

    await page.getByTestId('nav-map').click();
    await mapDrawn();
    await expect.poll(mapRange).toEqual(zoomed);
    await rz.screenshot('state-map-restored');

    // The Anomalies search stays too.
    await page.getByTestId('nav-anomalies').click();
    await page.getByTestId('flagged-search').fill('2');
    await page.getByTestId('nav-sql').click();
    await page.getByTestId('nav-anomalies').click();
    expect(await page.getByTestId('flagged-search').inputValue()).toBe('2');
    await page.getByTestId('flagged-search').fill('');
  });

  it('names the place in the hash: a reload, a second tab and back/forward return there', async () => {
    const { page } = rz;
    await page.getByTestId('nav-map').click();
    expect(await hash()).toBe('#/map');
    await page.evaluate(() => (location.hash = '#/anomalies/player/237'));
    await expect.poll(() => page.getByTestId('player-panel').count()).toBe(1);
    await expect.poll(() => page.getByTestId('player-panel').textContent()).toContain('237');
    await page.reload();
    await expect.poll(() => page.getByTestId('player-panel').textContent(), { timeout: 20_000 }).toContain('237');
    expect(await page.getByTestId('nav-anomalies').getAttribute('class')).toContain('active');
    // A second tab on the address-bar URL lands on the same player.
    const second = await rz.context.newPage();
    await second.goto(page.url());
    await expect.poll(() => second.getByTestId('player-panel').textContent(), { timeout: 20_000 }).toContain('237');
    await second.close();
    // Back: the map, as before the player was opened; forward: the player again.
    await page.getByTestId('player-close').click();
    await expect.poll(hash).toBe('#/anomalies');
    await page.goBack();
    await expect.poll(() => page.getByTestId('player-panel').count()).toBe(1);
    await page.goBack();
    await expect.poll(hash).toBe('#/map');
    await expect.poll(() => page.getByTestId('map-view').count()).toBe(1);
    await page.goForward();
    await expect.poll(() => page.getByTestId('player-panel').textContent()).toContain('237');
    // "Open in the SQL console" opens a tab of its own: the tab with the analyst's text stays.
    await page.getByTestId('sql-events').click();
    await expect.poll(hash).toBe('#/sql');
    await expect.poll(() => page.getByTestId('sql-tab').count()).toBe(2);
    await expect.poll(() => page.getByTestId('status').textContent()).toMatch(/\d+ rows/);
    await page.getByTestId('sql-tab').nth(1).getByTestId('sql-tab-close').click();
    expect(await editorText()).toContain('FROM userprofile');
    expect(rz.problems).toEqual([]);
  });

  it('names the stream in the hash: a reload shows it, back returns to the one before', async () => {
    const { page } = rz;
    const names: string[] = [];
    for (const kind of ['toll', 'series']) {
      const started = await rz.app.router.call('streams.loadDemo', { kind, define: true });
      if (!started.ok) throw new Error(started.error.message);
      const id = (started.value as { id: string }).id;
      const job = async () =>
        ((await rz.app.router.call('jobs.get', { id })) as { ok: true; value: { state: string; result?: { stream?: { name: string } } } }).value;
      await expect.poll(async () => (await job()).state, { timeout: 120_000 }).toBe('done');
      names.push((await job()).result!.stream!.name);
    }
    const active = () => page.locator('[data-testid=stream-item].active').textContent();
    await page.evaluate((name) => (location.hash = `#/streams/${encodeURIComponent(name)}`), names[1]);
    await page.reload();
    await expect.poll(active, { timeout: 20_000 }).toContain(names[1]);
    await page.getByTestId('stream-item').filter({ hasText: names[0] }).click();
    await expect.poll(hash).toBe(`#/streams/${encodeURIComponent(names[0])}`);
    await page.goBack();
    await expect.poll(active).toContain(names[1]);
    expect(rz.problems).toEqual([]);
  }, 240_000);

  it('an incident on a player-keyed stream opens that player in Anomalies', async () => {
    const { page } = rz;
    const ok = async <T>(r: Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>): Promise<T> => {
      const x = await r;
      if (!x.ok) throw new Error(x.error!.message);
      return x.value as T;
    };
    await ok(
      rz.app.router.call('streams.define', {
        definition: {
          name: 'moves_per_player',
          sourceTable: 'playlog',
          timeColumn: 'createdate',
          window: '10min',
          keyColumn: 'pidx',
          measures: [{ name: 'events', kind: 'count' }],
          forest: { numTrees: 10, samplesPerTree: 32 },
          // A low fixed cut-off: this checks the link, not detection, so some windows must alert.
          threshold: { kind: 'score', value: 1 },
        },
      }),
    );
    const { id } = await ok<{ id: string }>(rz.app.router.call('streams.score', { name: 'moves_per_player' }));
    const state = async () => (await ok<{ state: string }>(rz.app.router.call('jobs.get', { id }))).state;
    await expect.poll(state, { timeout: 120_000 }).toBe('done');
    await page.evaluate(() => (location.hash = '#/streams/moves_per_player'));
    await page.reload();
    const link = page.getByTestId('alert-open-player').first();
    await link.waitFor({ timeout: 30_000 });
    const key = await page.getByTestId('alert-row').first().getAttribute('data-key');
    await link.click();
    await expect.poll(hash).toBe(`#/anomalies/player/${key}`);
    await expect.poll(() => page.getByTestId('player-panel').textContent()).toContain(key!);
    expect(rz.problems).toEqual([]);
  }, 180_000);

  it('keeps several SQL tabs, renamed and closed, across a reload (text and the active tab, not results)', async () => {
    const { page } = rz;
    await page.getByTestId('nav-sql').click();
    // The reload above kept the first tab's text, not its result: run it again.
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('result-grid').locator('.th .name').allTextContents()).toEqual(['uclass', 'n']);
    await page.getByTestId('sql-tab-add').click();
    await type('SELECT 2 AS two');
    await page.getByTestId('sql-tab-add').click();
    await type('SELECT 3 AS three');
    await page.getByTestId('sql-tab').nth(1).locator('.name').dblclick();
    await page.getByTestId('sql-tab-name').fill('second');
    await page.keyboard.press('Enter');
    await page.getByTestId('sql-tab').nth(1).locator('.name').click();
    expect(await editorText()).toBe('SELECT 2 AS two');
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('1 rows');
    // Closing the third; the first keeps its own text and result.
    await page.getByTestId('sql-tab').nth(2).getByTestId('sql-tab-close').click();
    await page.getByTestId('sql-tab').nth(0).locator('.name').click();
    expect(await editorText()).toContain('FROM userprofile');
    await expect.poll(() => page.getByTestId('result-grid').locator('.th .name').allTextContents()).toEqual(['uclass', 'n']);
    await page.getByTestId('sql-tab').nth(1).locator('.name').click();
    // Saved once typing pauses: the workspace has both tabs, the second active.
    const saved = async () => ((await rz.app.router.call('sql.tabs', {})) as { ok: true; value: SqlTabs }).value;
    await expect
      .poll(async () => {
        const t = await saved();
        return t.active === t.tabs[1]?.id && t.tabs.length;
      })
      .toBe(2);
    await page.reload();
    await expect.poll(() => page.getByTestId('sql-tab').locator('.name').allTextContents(), { timeout: 20_000 }).toEqual(['Query 1', 'second']);
    expect(await hash()).toBe('#/sql');
    expect(await page.getByTestId('sql-tab').nth(1).getAttribute('class')).toContain('active');
    expect(await editorText()).toBe('SELECT 2 AS two');
    expect(await page.getByTestId('result-grid').count()).toBe(0);
  });

  it('shows one result per statement after Run all', async () => {
    const { page } = rz;
    await type("SELECT 1 AS a;\nSELECT 'x' AS b, 2 AS c;\nSELECT * FROM range(5) t(n);");
    await page.getByTestId('run-all').click();
    await expect.poll(() => page.getByTestId('result-pane').count()).toBe(3);
    const panes = page.getByTestId('result-pane');
    expect(await panes.allTextContents()).toEqual([
      expect.stringMatching(/^1\. SELECT 1 AS a.*1 row$/),
      expect.stringMatching(/^2\. SELECT 'x'.*1 row$/),
      expect.stringMatching(/^3\. SELECT \* FROM.*5 rows$/),
    ]);
    // The last is shown first, as a single statement's would be; each pane has its own columns and rows.
    expect(await page.getByTestId('status').textContent()).toContain('5 rows');
    const headers = () => page.getByTestId('result-grid').locator('.th .name').allTextContents();
    await expect.poll(headers).toEqual(['n']);
    await panes.nth(0).click();
    await expect.poll(headers).toEqual(['a']);
    await panes.nth(1).click();
    await expect.poll(headers).toEqual(['b', 'c']);
    await expect.poll(() => page.getByTestId('result-grid').locator('[role=row]').first().textContent()).toContain('x');
    expect(await page.getByTestId('status').textContent()).toContain('1 rows');
    await rz.screenshot('state-run-all');
  });

  it('renders the main views at 1024×700 and 1920×1080', async () => {
    const { page } = rz;
    for (const [w, h] of [
      [1024, 700],
      [1920, 1080],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      for (const v of ['sources', 'sql', 'map', 'anomalies', 'streams']) {
        await page.getByTestId(`nav-${v}`).click();
        if (v === 'map') await mapDrawn();
        await page.waitForTimeout(800);
        await rz.screenshot(`state-${v}-${w}x${h}`);
      }
    }
    expect(rz.problems).toEqual([]);
  });
});

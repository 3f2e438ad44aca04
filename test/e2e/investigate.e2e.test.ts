import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../electron/workspace/sqlText.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #5 end to end: Load demo data set → score (lab settings) → Anomalies → a labelled red-zone
 * walker is in the top rows → drill into it → ban with a note starting with "=" → export → the CSV
 * has the row, the note neutralised. Screenshots of the map, the table and the drill-down.
 */
describe('investigation in Chromium (browser mode)', () => {
  let rz: Redzone;
  let labels: Map<number, string>;
  let walker: number;

  beforeAll(async () => {
    rz = await startRedzone();
  });
  afterAll(async () => rz?.close());

  it('loads the demo data set and scores it with the lab settings, showing progress', async () => {
    const { page } = rz;
    await page.getByTestId('load-demo').click();
    await expect.poll(() => page.getByTestId('empty-banner').count(), { timeout: 120_000 }).toBe(0);
    const text = await readFile(join(rz.app.services.ws.dataDir, 'demo', 'labels.csv'), 'utf8');
    labels = new Map(
      text
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((l) => l.split(','))
        .map(([p, b]) => [Number(p), b]),
    );
    walker = [...labels].find(([, b]) => b === 'redzone')![0];

    await page.getByTestId('nav-anomalies').click();
    // Before any run the table already lists the rule evidence.
    await expect.poll(() => page.getByTestId('flagged-grid').getAttribute('data-rows'), { timeout: 30_000 }).not.toBe('0');
    await page.getByTestId('score-open').click();
    const form = page.getByTestId('score-form');
    await form.locator('input').nth(0).fill('200');
    await form.locator('input').nth(1).fill('1000');
    await page.getByTestId('score-start').click();
    await expect.poll(() => page.getByTestId('scoring-progress').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('scoring-progress').count(), { timeout: 120_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('run-select').inputValue()).not.toBe('');
    expect(await page.getByTestId('runbar').textContent()).toContain('200×1000');
  });

  it('ranks the labelled red-zone walker in the top rows and drills into it', async () => {
    const { page } = rz;
    const grid = page.getByTestId('flagged-grid');
    const topPidx = async () => {
      const rows = grid.locator('[role=row]');
      const n = Math.min(labels.size, await rows.count());
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(Number(await rows.nth(i).locator('.td').nth(1).textContent()));
      return out;
    };
    // The rules-only list (shown before the run) already has the walker: wait for the run's ranking.
    await expect.poll(async () => (await topPidx()).filter((p) => labels.has(p)).length, { timeout: 30_000 }).toBe(labels.size);
    const top = await topPidx();
    expect(top).toContain(walker);
    const header = await grid.textContent();
    expect(header).toContain('player_score');
    expect(header).toContain('top_reason');
    await rz.screenshot('investigate-table');

    const row = grid.locator('[role=row]').nth(top.indexOf(walker));
    await row.click();
    await grid.locator('.scroller').press('Enter');
    const panel = page.getByTestId('player-panel');
    await expect.poll(() => panel.getAttribute('data-pidx')).toBe(String(walker));
    await expect.poll(() => panel.getByTestId('flagged-by').textContent(), { timeout: 30_000 }).toContain('rules');
    expect(await panel.textContent()).toContain('entered Red zone');
    // Issue #18: the player's profile against the population, with the player forest's score.
    await expect.poll(() => panel.getByTestId('profile-card').count(), { timeout: 30_000 }).toBe(1);
    expect(await panel.getByTestId('profile-card').textContent()).toContain('population median');
    expect(Number(await panel.getByTestId('player-score').textContent())).toBeGreaterThan(0);
    // The trajectory is drawn, with points inside the red zone (x 1000–1200, y 0–400).
    await expect
      .poll(() => panel.locator('[data-testid=trajectory-plot] .scatterlayer, [data-testid=trajectory-plot] canvas').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const inZone = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=trajectory-plot]') as unknown as { data: { x: ArrayLike<number>; y: ArrayLike<number> }[] };
      const path = el.data[0];
      let n = 0;
      for (let i = 0; i < path.x.length; i++) if (path.x[i] >= 1000 && path.x[i] <= 1200 && path.y[i] >= 0 && path.y[i] <= 400) n++;
      return n;
    });
    expect(inZone).toBeGreaterThan(0);
    await expect.poll(() => panel.getByTestId('events-grid').locator('[role=row]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(500); // let plotly finish its last frame
    await rz.screenshot('investigate-drilldown');
    await panel.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(300);
    await rz.screenshot('investigate-drilldown-lower');
    await panel.evaluate((el) => (el.scrollTop = 0));
  });

  it('bans with a formula-looking note and exports a neutralised ban list', async () => {
    const { page } = rz;
    const note = '=HYPERLINK("http://evil","click"), walked the red zone';
    await page.getByTestId('verdict-note').fill(note);
    await page.getByTestId('verdict-ban').click();
    // The verdict is recorded (the box shows when), not just the Ban button on screen.
    await expect.poll(() => page.getByTestId('verdict-current').textContent(), { timeout: 10_000 }).toMatch(/^Ban · /);
    await page.getByTestId('export-bans').click();
    const link = page.getByTestId('export-download');
    await expect.poll(() => link.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = join(rz.dir, 'bans.csv');
    await download.saveAs(path);
    const csv = await readFile(path, 'utf8');
    expect(csv.startsWith('pidx,uclass,ulevel,verdict,reasons,max_score,anomalous_rows,first_seen,last_seen,note,run_id,exported_at\r\n')).toBe(true);
    const parsed = (
      await rz.app.services.ws.db.runAndReadAll(`SELECT * FROM read_csv(${quoteLiteral(path)}, header = true, all_varchar = true)`)
    ).getRowObjectsJS();
    expect(parsed).toHaveLength(1);
    expect(Number(parsed[0].pidx)).toBe(walker);
    expect(parsed[0].verdict).toBe('ban');
    expect(parsed[0].note).toBe(`'${note}`);
    expect(Number(parsed[0].max_score)).toBeGreaterThan(0);
    expect(rz.problems).toEqual([]);
  });

  it('scrolls the flagged table right to its last columns: suspicion, reasons and the note just recorded', async () => {
    const { page } = rz;
    const grid = page.getByTestId('flagged-grid');
    const names = (await grid.locator('.th .name').allTextContents()).map((n) => n.replace(/ [▲▼]$/, ''));
    const col = (name: string) => names.indexOf(name) + 1;
    expect(names.slice(-3)).toEqual(['suspicion', 'reasons', 'note']);
    const pidxCells = grid.locator(`[role=row] [aria-colindex="${col('pidx')}"]`);
    await expect.poll(() => pidxCells.allTextContents(), { timeout: 10_000 }).toContain(String(walker));
    const row = grid.locator('[role=row]').nth((await pidxCells.allTextContents()).indexOf(String(walker)));
    await grid.locator('.scroller').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await expect.poll(() => row.locator(`[aria-colindex="${col('note')}"]`).textContent()).toContain('walked the red zone');
    expect(await row.locator(`[aria-colindex="${col('reasons')}"]`).textContent()).toContain('entered Red zone');
    expect(Number(await row.locator(`[aria-colindex="${col('suspicion')}"]`).textContent())).toBeGreaterThan(0);
    expect(await row.locator(`[aria-colindex="${col('pidx')}"]`).count()).toBe(0); // scrolled out of the DOM
    await rz.screenshot('investigate-table-scrolled-right');
    await grid.locator('.scroller').evaluate((el) => (el.scrollLeft = 0));
    await expect.poll(() => row.locator(`[aria-colindex="${col('pidx')}"]`).textContent()).toBe(String(walker));
  });

  it('draws the map: density, anomalous points, the red zone; a box selection leads to the drill-down', async () => {
    const { page } = rz;
    await page.getByTestId('nav-map').click();
    const stats = page.getByTestId('map-stats');
    await expect.poll(() => stats.getAttribute('data-rows'), { timeout: 30_000 }).not.toBe('');
    await expect.poll(() => stats.getAttribute('data-draw-ms'), { timeout: 30_000 }).not.toBe('');
    expect(await stats.textContent()).toMatch(/anomalous points/);
    const traces = await page.evaluate(() =>
      (document.querySelector('[data-testid=map-plot]') as unknown as { data: { type: string; name: string }[] }).data.map((t) => `${t.type}:${t.name}`),
    );
    expect(traces[0]).toBe('heatmap:positions');
    expect(traces.some((t) => /^scatter(gl)?:Ban/.test(t))).toBe(true);
    await page.waitForTimeout(500);
    await rz.screenshot('investigate-map');
    // The level band is the level at event time, and says so; it narrows the density, and clearing restores it.
    const level = page.getByTestId('map-level');
    expect(await level.textContent()).toContain('level at the time');
    const allRows = Number(await stats.getAttribute('data-rows'));
    await level.locator('input').nth(0).fill('40');
    await level.locator('input').nth(1).fill('60');
    await expect.poll(async () => Number(await stats.getAttribute('data-rows')), { timeout: 30_000 }).toBeLessThan(allRows);
    expect(Number(await stats.getAttribute('data-rows'))).toBeGreaterThan(0);
    await rz.screenshot('investigate-map-level-band');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(async () => Number(await stats.getAttribute('data-rows')), { timeout: 30_000 }).toBe(allRows);
    // Select the red zone through the same handler a box-select uses, then jump to a player.
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=map-plot]') as unknown as { emit(name: string, e: unknown): void };
      el.emit('plotly_selected', { range: { x: [1000, 1200], y: [0, 400] }, points: [] });
    });
    await expect.poll(() => page.getByTestId(`select-player-${walker}`).count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId(`select-player-${walker}`).click();
    await expect.poll(() => page.getByTestId('player-panel').getAttribute('data-pidx')).toBe(String(walker));
    expect(rz.problems).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';

describe('Metric streams in Chromium (browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await rz.page.getByTestId('nav-streams').click();
  });
  afterAll(async () => rz?.close());

  it('the toll demo button loads, defines and scores the per-station 10 s count; shows the planted station, marks and exports', async () => {
    const page = rz.page;
    await page.getByTestId('demo-toll').click();
    // One click: the data is loaded, the stream defined (the form shows how) and scored.
    await expect.poll(() => page.getByTestId('define-name').inputValue(), { timeout: 60_000 }).toBe('toll-per-station');
    expect(await page.getByTestId('define-table').inputValue()).toBe('toll_events');
    expect(await page.getByTestId('define-time').inputValue()).toBe('ts');
    expect(await page.getByTestId('define-key').inputValue()).toBe('toll');
    expect(await page.getByTestId('define-window').inputValue()).toBe('10s');
    await expect.poll(() => page.getByTestId('stream-item').allTextContents()).toEqual([expect.stringContaining('toll-per-station')]);
    const alerts = page.getByTestId('stream-alerts');
    await expect.poll(async () => Number(await alerts.getAttribute('data-count').catch(() => '0')), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('lane-page').textContent()).toContain('keys 1–8 of 8, by peak grade');

    // Planted: station 3 and station 6 flood (see the labels file); each flood is one incident, and the two lead the list…
    const rows = page.getByTestId('alert-row');
    const topKeys = await Promise.all([0, 1].map((i) => rows.nth(i).getAttribute('data-key')));
    expect(new Set(topKeys)).toEqual(new Set(['3', '6']));
    // …with what happened beside what the forest expected (hundreds of vehicles where a handful were due)…
    const actual = Number(
      await rows
        .first()
        .getByTestId('alert-value')
        .evaluate((td) => td.firstChild?.textContent),
    );
    const expected = Number((await rows.first().getByTestId('alert-expected').textContent())!.replace(/[()\s]/g, ''));
    expect(actual).toBeGreaterThan(10 * expected);
    // …and the swimlane's top row (keys sorted by worst grade) is one of them.
    const lane = page.getByTestId('stream-swimlane');
    await expect.poll(() => lane.locator('.ytick text').count()).toBe(8);
    const ticks = await lane.locator('.ytick text').evaluateAll((els) => els.map((e) => ({ text: e.textContent, y: e.getBoundingClientRect().y })));
    const top = ticks.sort((a, b) => a.y - b.y)[0].text;
    expect(['3', '6']).toContain(top);
    await page.getByTestId('stream-key-plot').locator('.main-svg').first().waitFor();
    // The per-key plot names its key (the swimlane's top one) and marks the incident's expected value beside the actual one.
    await expect.poll(() => page.getByTestId('stream-key-plot').locator('.legendtext').allTextContents()).toContain('expected vehicles');
    expect(await page.getByTestId('stream-key-plot').locator('.annotation-text').first().textContent()).toBe(`key ${top}`);
    await rz.screenshot('streams-toll-scored');

    // Mark the worst alert a true positive with a note (a formula, to check the export neutralises it).
    const first = rows.first();
    await first.getByTestId('mark-note').fill('=flood at station');
    await first.getByTestId('mark-tp').click();
    await expect.poll(() => first.getAttribute('class')).toContain('tp');

    await page.getByTestId('alerts-export').click();
    const link = page.getByTestId('alerts-download');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('stream,key,start,end,windows,vehicles,expected_vehicles,score,grade,attribution_vehicles,verdict,note');
    expect(lines.length - 1).toBe(Number(await alerts.getAttribute('data-count')));
    expect(lines[1]).toMatch(/^toll-per-station,[36],2024-05-06 /);
    expect(lines[1]).toContain(",true_positive,'=flood at station");
    await rz.screenshot('streams-toll-marked');
    expect(rz.problems.filter((p) => !/Failed to load resource: .*404/.test(p))).toEqual([]); // the favicon
  });

  it('scores only the new windows after more events arrive ("Score new windows"), as a full scoring would', async () => {
    const page = rz.page;
    const db = rz.app.services.ws.db;
    // The last hour of events has not been synced yet (cut mid-window), then it arrives.
    const cut = `TIMESTAMP '2024-05-06 10:00:04.5'`;
    await db.run(`CREATE TABLE toll_late AS SELECT * FROM toll_events WHERE ts >= ${cut}`);
    await db.run(`DELETE FROM toll_events WHERE ts >= ${cut}`);
    const summary = page.getByTestId('run-summary');
    const note = page.getByTestId('score-note');
    await page.getByTestId('stream-score').click();
    await expect.poll(() => note.textContent(), { timeout: 120_000 }).toBe('Scored all 5,768 windows'); // 8 stations × 721
    const partial = await summary.textContent();
    await db.run(`INSERT INTO toll_events SELECT * FROM toll_late`);

    await page.getByTestId('stream-continue').click();
    await expect.poll(() => note.textContent(), { timeout: 120_000 }).toBe('2,872 new windows, scored by the saved forests'); // 8 × 359
    expect(await summary.textContent()).not.toBe(partial);
    await expect.poll(() => summary.textContent()).toContain('in 8,640 windows');
    const continued = await summary.textContent();
    await page.getByTestId('stream-key-plot').locator('.main-svg').first().waitFor();
    await rz.screenshot('streams-toll-continued');
    expect(await page.getByTestId('stream-item').first().textContent()).toContain('8,640 windows');

    // A full scoring gives the same incidents and score statistics.
    await page.getByTestId('stream-score').click();
    await expect.poll(() => note.textContent(), { timeout: 120_000 }).toBe('Scored all 8,640 windows');
    expect(await summary.textContent()).toBe(continued);
    expect(rz.problems.filter((p) => !/Failed to load resource: .*404/.test(p))).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';

describe('play-log lake in Chromium (browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
  });
  afterAll(async () => rz?.close());

  it('loads the demo data set into an empty workspace from the Sources view', async () => {
    await rz.page.getByTestId('nav-sources').click();
    await expect.poll(() => rz.page.getByTestId('lake-panel').textContent()).toContain('Nothing imported yet');
    await rz.page.getByTestId('load-demo-sources').click();
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 60_000, interval: 500 }).toMatch(/Imported \d+ files, [\d,]+ rows/);
    // The demo spans 3 days of Firehose hours; late arrivals spill into a 4th folder day.
    await expect.poll(() => rz.page.getByTestId('lake-day').count()).toBeGreaterThanOrEqual(3);
    expect(await rz.page.getByTestId('lake-totals').textContent()).toContain('300,000 play-log rows');
    await rz.screenshot('lake-sources');
  });

  it("lists the labelled red-zone walkers with the SQL console's preset red-zone query", async () => {
    const labels = (await readFile(join(rz.app.services.ws.dataDir, 'demo', 'labels.csv'), 'utf8'))
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','))
      .filter(([, behaviour]) => behaviour === 'redzone')
      .map(([pidx]) => pidx);
    expect(labels.length).toBeGreaterThan(0);
    await rz.page.getByTestId('nav-sql').click();
    await rz.page.getByTestId('saved-queries').getByRole('button', { name: /Red-zone finder/ }).click();
    await rz.page.getByTestId('run').click();
    const grid = rz.page.getByTestId('result-grid');
    await expect.poll(() => rz.page.getByTestId('status').textContent(), { timeout: 30_000 }).toMatch(/\d+ rows/);
    const firstColumn = await grid.locator('[role=row]').evaluateAll((rows) => rows.map((r) => r.querySelector('.td')?.textContent?.trim() ?? ''));
    expect(firstColumn.sort()).toEqual([...labels].sort());
    await rz.screenshot('lake-redzone-query');
  });

  it('logs no page errors', () => {
    // The browser asks for /favicon.ico, which the app does not serve.
    expect(rz.problems.filter((p) => !/Failed to load resource: .*404/.test(p))).toEqual([]);
  });
});

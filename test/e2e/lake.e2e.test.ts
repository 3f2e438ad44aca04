import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedzone, type Redzone } from './harness.ts';
import { playlogLine } from './playlogLine.ts';

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
    await rz.page.getByTestId('lake-day').first().click();
    await expect.poll(() => rz.page.getByTestId('lake-hour').count()).toBe(24);
    await rz.screenshot('lake-sources');
  });

  it('imports a folder typed in, and lists its bad lines in the quarantine', async () => {
    const folder = join(rz.dir, 'incoming');
    const hour = join(folder, 'playlog/2018/10/14/09');
    await mkdir(hour, { recursive: true });
    const row = (i: number) => playlogLine(i);
    await writeFile(join(hour, 'playlog-2-2018-10-14-09-00-00-a'), `${row(1)}\n{"posnewx": broken\n${row(2)}\n`);
    await rz.page.getByTestId('lake-dir').fill(folder);
    await rz.page.getByTestId('lake-import').click();
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 30_000 }).toContain('Imported 1 file, 2 rows');
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent()).toContain('1 quarantined');
    const quarantine = rz.page.getByTestId('lake-quarantine');
    await expect.poll(() => quarantine.locator('tbody tr').count()).toBe(1);
    expect(await quarantine.locator('tbody tr td').nth(1).textContent()).toBe('2');
    expect(await quarantine.locator('tbody tr td').nth(2).textContent()).toMatch(/unterminated JSON record/);
    await quarantine.scrollIntoViewIfNeeded();
    await rz.screenshot('lake-quarantine');
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
    await rz.page
      .getByTestId('saved-queries')
      .getByRole('button', { name: /Red-zone finder/ })
      .click();
    await rz.page.getByTestId('run').click();
    const grid = rz.page.getByTestId('result-grid');
    await expect.poll(() => rz.page.getByTestId('status').textContent(), { timeout: 30_000 }).toMatch(/\d+ rows/);
    // The grid fetches its rows after the status line updates: wait for the cells.
    const firstColumn = () => grid.locator('[role=row]').evaluateAll((rows) => rows.map((r) => r.querySelector('.td')?.textContent?.trim() ?? '').sort());
    await expect.poll(firstColumn, { timeout: 10_000 }).toEqual([...labels].sort());
    await rz.screenshot('lake-redzone-query');
  });

  it('logs no page errors', () => {
    // The browser asks for /favicon.ico, which the app does not serve.
    expect(rz.problems.filter((p) => !/Failed to load resource: .*404/.test(p))).toEqual([]);
  });
});

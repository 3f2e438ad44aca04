import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlaylog } from '../integration/investigate/syntheticPlaylog.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * The Map view after an import of millions of rows: the position cache builds as a job whose progress
 * (with Cancel) shows above the map while the map already draws from the play log; a cancelled build
 * says so and offers to build again.
 */
const ROWS = 6_000_000;

describe('Map view: the position cache builds as a job (Chromium, browser mode)', () => {
  let rz: Redzone;
  beforeAll(async () => {
    rz = await startRedzone();
    await writePlaylog(join(rz.dir, 'lake', 'playlog', '2018', '10', '12', '05', 'big.parquet'), ROWS, 1);
  });
  afterAll(async () => rz?.close());

  const rowsInView = () => rz.page.getByTestId('map-stats').getAttribute('data-rows');
  const cache = () => rz.page.getByTestId('map-cache');

  it('shows the build with its progress while the map draws, cancels it, and builds again on request', async () => {
    const { page } = rz;
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('lake-dir').fill(join(rz.dir, 'lake'));
    await page.getByTestId('lake-import').click();
    await page.getByTestId('nav-map').click();

    // The import's end starts the build; the map draws meanwhile, from the play log.
    await expect.poll(() => cache().getAttribute('data-state'), { timeout: 60_000, interval: 50 }).toBe('running');
    await expect.poll(rowsInView, { timeout: 30_000 }).toBe(String(ROWS));
    expect(await cache().textContent()).toMatch(/Building the map cache.*(starting…|\d+% · step \d of 3)/);
    await rz.screenshot('map-cache-building');

    await page.getByTestId('map-cache-cancel').click();
    await expect.poll(() => cache().getAttribute('data-state'), { timeout: 5_000 }).toBe('cancelled');
    expect(await cache().textContent()).toContain('Map cache build cancelled: panning and zooming read the play log (slower).');
    // Still a working map: a new viewport is binned from the play log.
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid=map-plot]') as unknown as { emit(name: string, e: unknown): void };
      el.emit('plotly_relayout', { 'xaxis.range[0]': 300, 'xaxis.range[1]': 500, 'yaxis.range[0]': 400, 'yaxis.range[1]': 700 });
    });
    await expect.poll(() => page.getByTestId('map-stats').getAttribute('data-x0'), { timeout: 30_000 }).toBe('300');
    await rz.screenshot('map-cache-cancelled');

    await page.getByTestId('map-cache-build').click();
    await expect.poll(() => cache().count(), { timeout: 60_000 }).toBe(0);
    const status = (await rz.app.router.call('map.cacheStatus', {})) as { ok: true; value: { current: boolean } };
    expect(status.value.current).toBe(true);
    await page.waitForTimeout(300); // let plotly finish its frame
    await rz.screenshot('map-cache-built');
    expect(rz.problems.filter((p) => !/Failed to load resource: .* 404/.test(p))).toEqual([]);
  });
});

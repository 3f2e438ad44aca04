import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Zone } from '../../shared/api/investigate.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #18.5 with a real browser: on the demo with its red zone removed, the Map's rare-places layer
 * suggests a zone over the red zone; "Accept as zone" declares it and it shows in the zone list.
 */
describe('rare places and suggested zones (Chromium, browser mode)', () => {
  let rz: Redzone;
  const RED = { x0: 1000, x1: 1200, y0: 0, y1: 400 };

  beforeAll(async () => {
    rz = await startRedzone();
  });
  afterAll(async () => rz?.close());

  const zones = async () => {
    const env = await rz.app.router.call('investigate.zones', {});
    if (!env.ok) throw new Error(env.error.message);
    return env.value as Zone[];
  };

  it('turns the layer on, accepts the top suggestion, and lists the new zone', async () => {
    const { page } = rz;
    await page.getByTestId('load-demo').click();
    await expect.poll(() => page.getByTestId('empty-banner').count(), { timeout: 120_000 }).toBe(0);
    for (const z of await zones()) await rz.app.router.call('investigate.deleteZone', { id: z.id });
    await page.getByTestId('nav-map').click();
    await expect.poll(() => page.getByTestId('map-stats').getAttribute('data-rows'), { timeout: 30_000 }).not.toBe('');
    await page.reload(); // the map reads the zones afresh (none now)
    await page.getByTestId('nav-map').click();
    await expect.poll(() => page.getByTestId('zones-toggle').textContent(), { timeout: 30_000 }).toContain('(0)');

    await page.getByTestId('rare-toggle').check();
    const first = page.getByTestId('rare-suggestion').first();
    await expect.poll(() => page.getByTestId('rare-suggestion').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('rare-suggestion').count()).toBeLessThanOrEqual(5);
    const summary = (await page.getByTestId('rare-summary').textContent()) ?? '';
    const rareCells = /^\s*([\d,]+) rare cells/.exec(summary)?.[1];
    expect(Number(rareCells?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await first.textContent()).toMatch(/dwelt \d+ rows over \d+ rare cells/);
    // The layer is drawn: a rare-places trace and the suggestion's dashed rectangle.
    await expect
      .poll(() =>
        page.evaluate(() =>
          (document.querySelector('[data-testid=map-plot]') as unknown as { data: { name?: string }[] }).data.some((t) => t.name?.startsWith('rare places')),
        ),
      )
      .toBe(true);
    await rz.screenshot('rare-places');

    const firstText = (await first.textContent()) ?? '';
    await first.getByTestId('rare-accept').click();
    await expect.poll(async () => (await zones()).length).toBe(1);
    const [z] = await zones();
    expect(z.name).toBe('Suggested zone 1');
    expect(z.x0 < RED.x1 && RED.x0 < z.x1 && z.y0 < RED.y1 && RED.y0 < z.y1).toBe(true);
    const suggested = `x ${z.x0}–${z.x1}, y ${z.y0}–${z.y1}`;
    expect(firstText).toContain(suggested);
    // Once declared it is no longer suggested.
    await expect
      .poll(async () => (await page.getByTestId('rare-suggestion').allTextContents()).some((t) => t.includes(suggested)), { timeout: 60_000 })
      .toBe(false);
    await expect.poll(() => page.getByTestId('rare-loading').count()).toBe(0);
    // The grid is the positions' alone: a new zone leaves the rare cells as they were.
    expect(await page.getByTestId('rare-summary').textContent()).toMatch(new RegExp(`^\\s*${rareCells} rare cells`));
    await page.getByTestId('zones-toggle').click();
    await expect.poll(() => page.getByTestId('zone-card').count()).toBe(1);
    expect(await page.getByTestId('zone-name').inputValue()).toBe('Suggested zone 1');
    await rz.screenshot('rare-places-accepted');
    expect(rz.problems).toEqual([]);
  });
});

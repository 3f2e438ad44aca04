import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Zone } from '../../shared/api/investigate.ts';
import { startRedzone, type Redzone } from './harness.ts';

/**
 * Issue #14 item 3 with a real mouse: a box-select over the red zone leaves it as it is; a zone is
 * drawn by dragging a rectangle, edited in the editor (validated, corners put in order), undone,
 * redone and deleted after a confirmation; Reset view re-bins the full extent.
 */
describe('zones you can trust (Chromium, browser mode)', () => {
  let rz: Redzone;
  const RED = { name: 'Red zone', x0: 1000, x1: 1200, y0: 0, y1: 400 };

  beforeAll(async () => {
    rz = await startRedzone();
  });
  afterAll(async () => rz?.close());

  const zones = async () => {
    const env = await rz.app.router.call('investigate.zones', {});
    if (!env.ok) throw new Error(env.error.message);
    return (env.value as Zone[]).map(({ id: _id, ...z }) => z);
  };
  /** Page coordinates of a map point, from plotly's own axis mapping. */
  const at = (x: number, y: number) =>
    rz.page.evaluate(
      ([x, y]) => {
        const gd = document.querySelector('[data-testid=map-plot]') as unknown as HTMLElement & {
          _fullLayout: { xaxis: { _offset: number; l2p(v: number): number }; yaxis: { _offset: number; l2p(v: number): number } };
        };
        const r = gd.getBoundingClientRect();
        const { xaxis, yaxis } = gd._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.l2p(x), y: r.top + yaxis._offset + yaxis.l2p(y) };
      },
      [x, y] as const,
    );
  const drag = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const { mouse } = rz.page;
    const a = await at(from.x, from.y);
    const b = await at(to.x, to.y);
    await mouse.move(a.x, a.y);
    await mouse.down();
    await mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await mouse.move(b.x, b.y, { steps: 5 });
    await mouse.up();
  };
  const stats = () => rz.page.getByTestId('map-stats');

  it('shows the progress of a demo load started before the window opened, then draws the map with the red zone', async () => {
    const { page } = rz;
    // As `npm run demo` does: the load starts in the main process, the window opens on the empty workspace.
    const started = await rz.app.router.call('lake.loadDemo', {});
    expect(started.ok).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('arriving').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('load-demo').count()).toBe(0);
    expect(await page.getByTestId('empty-banner').textContent()).not.toContain('no play logs yet');
    await expect.poll(() => page.getByTestId('empty-banner').count(), { timeout: 120_000 }).toBe(0);
    await page.getByTestId('nav-map').click();
    await expect.poll(() => stats().getAttribute('data-rows'), { timeout: 30_000 }).not.toBe('');
    expect(await zones()).toEqual([RED]);
  });

  it('box-selects over the red zone: the players are listed and the zone is unchanged', async () => {
    const { page } = rz;
    // The editor open first (the old bug: its shapes stayed draggable while box-selecting).
    await page.getByTestId('zones-toggle').click();
    await page.getByTestId('mode-select').click();
    expect(await page.getByTestId('map-modes').getAttribute('data-mode')).toBe('select');
    await page.waitForTimeout(300);
    await drag({ x: 1190, y: 30 }, { x: 900, y: 300 }); // starts on the zone's corner, as the bug report did
    await expect.poll(() => page.getByTestId('map-selection').textContent(), { timeout: 10_000 }).toMatch(/\d+ players?/);
    expect(await zones()).toEqual([RED]);
    await page.waitForTimeout(300);
    await rz.screenshot('zones-box-select');
    expect(rz.problems).toEqual([]);
  });

  it('draws a zone by dragging a rectangle, rounded to the data precision', async () => {
    const { page } = rz;
    await page.getByTestId('zones-toggle').click(); // edit mode
    await page.getByTestId('zone-draw').click();
    expect(await page.getByTestId('map-modes').getAttribute('data-mode')).toBe('draw');
    await drag({ x: 200.4, y: 600.2 }, { x: 350.7, y: 750.6 });
    await expect.poll(async () => (await zones()).length, { timeout: 10_000 }).toBe(2);
    const drawn = (await zones())[1];
    expect(drawn.name).toBe('Zone 2');
    for (const k of ['x0', 'x1', 'y0', 'y1'] as const) expect(Number.isInteger(drawn[k])).toBe(true);
    expect(drawn.x0).toBeGreaterThan(180);
    expect(drawn.x1).toBeLessThan(370);
    expect(drawn.x0).toBeLessThan(drawn.x1);
    expect(drawn.y0).toBeLessThan(drawn.y1);
    expect(await page.getByTestId('map-modes').getAttribute('data-mode')).toBe('edit');
    expect(await page.getByTestId('zone-message').textContent()).toContain('Added Zone 2');
  });

  it('edits bounds in a readable editor: bad values are refused with a message, swapped corners put in order', async () => {
    const { page } = rz;
    const card = page.getByTestId('zone-card').nth(1);
    const before = (await zones())[1];
    const x0 = card.getByTestId('zone-x0');
    expect((await x0.boundingBox())!.width).toBeGreaterThan(80);
    await x0.fill('');
    await x0.press('Enter');
    await expect.poll(() => card.getByTestId('zone-error').textContent()).toContain('x0 is empty');
    expect((await zones())[1]).toEqual(before);
    await x0.fill('lots');
    await x0.press('Enter');
    await expect.poll(() => card.getByTestId('zone-error').textContent()).toContain('must be a number');
    await x0.fill('5000');
    await x0.press('Enter');
    await expect.poll(async () => (await zones())[1].x1, { timeout: 10_000 }).toBe(5000);
    expect((await zones())[1]).toEqual({ ...before, x0: before.x1, x1: 5000 });
    expect(await card.getByTestId('zone-notice').textContent()).toContain('x0 and x1 swapped');
    expect(await card.getByTestId('zone-x0').inputValue()).toBe(String(before.x1)); // the editor shows the normalised corners
    expect(await card.getByTestId('zone-error').count()).toBe(0);
    await page.waitForTimeout(400);
    await rz.screenshot('zones-editor');

    // Undo puts the drawn bounds back, redo the edit again; Ctrl+Z works too.
    await page.getByTestId('zone-undo').click();
    await expect.poll(async () => (await zones())[1], { timeout: 10_000 }).toEqual(before);
    await page.getByTestId('zone-redo').click();
    await expect.poll(async () => (await zones())[1].x1, { timeout: 10_000 }).toBe(5000);
    await page.locator('body').press('Control+z');
    await expect.poll(async () => (await zones())[1], { timeout: 10_000 }).toEqual(before);
    await expect.poll(() => card.getByTestId('zone-x0').inputValue()).toBe(String(before.x0));
  });

  it('deletes a zone only after a confirmation, and undo brings it back', async () => {
    const { page } = rz;
    const card = page.getByTestId('zone-card').nth(1);
    const drawn = (await zones())[1];
    await card.getByTestId('zone-delete').click();
    expect(await zones()).toHaveLength(2); // nothing yet: it asks
    await card.getByRole('button', { name: 'Keep' }).click();
    await card.getByTestId('zone-delete').click();
    await card.getByTestId('zone-delete-yes').click();
    await expect.poll(async () => (await zones()).length, { timeout: 10_000 }).toBe(1);
    await page.getByTestId('zone-undo').click();
    await expect.poll(async () => (await zones())[1], { timeout: 10_000 }).toEqual(drawn);
    expect(rz.problems).toEqual([]);
  });

  it('Reset view and a double-click re-bin the whole map and select nothing', async () => {
    const { page } = rz;
    await page.getByTestId('mode-zoom').click();
    const all = Number(await stats().getAttribute('data-rows'));
    await drag({ x: 1000, y: 100 }, { x: 1100, y: 200 }); // zoom into a small box
    await expect.poll(async () => Number(await stats().getAttribute('data-rows')), { timeout: 30_000 }).toBeLessThan(all);
    await page.getByTestId('map-reset').click();
    await expect.poll(async () => Number(await stats().getAttribute('data-rows')), { timeout: 30_000 }).toBe(all);
    await drag({ x: 1000, y: 100 }, { x: 1100, y: 200 });
    await expect.poll(async () => Number(await stats().getAttribute('data-rows')), { timeout: 30_000 }).toBeLessThan(all);
    const selectionBefore = await page.getByTestId('map-selection').textContent();
    const c = await at(1050, 150);
    await page.mouse.dblclick(c.x, c.y);
    await expect.poll(async () => Number(await stats().getAttribute('data-rows')), { timeout: 30_000 }).toBe(all);
    await page.waitForTimeout(600);
    expect(await page.getByTestId('map-selection').textContent()).toBe(selectionBefore);
    // The heatmap spans the whole extent again (not a patch of the zoomed-in bins).
    const heat = await page.evaluate(() => {
      const gd = document.querySelector('[data-testid=map-plot]') as unknown as { data: { type: string; x0: number; dx: number; z: unknown[][] }[] };
      const h = gd.data.find((t) => t.type === 'heatmap')!;
      return { x0: h.x0, x1: h.x0 + h.dx * h.z[0].length };
    });
    expect(heat.x1 - heat.x0).toBeGreaterThan(1000);
    await rz.screenshot('zones-reset');
    expect(rz.problems).toEqual([]);
  });
});

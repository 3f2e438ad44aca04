import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putObject, startFaultProxy, startS3rver, type FaultProxy, type S3Server } from '../integration/s3/s3server.ts';
import { startRedzone, type Redzone } from './harness.ts';

const BUCKET = 'e2e-logs';
const OBJECTS = 6;
const ROWS = 2_000;

function playlog(hour: number, object: number): Buffer {
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const t = new Date(Date.UTC(2018, 9, 9, hour, 0, 0) + i * 1000).toISOString();
    return JSON.stringify({
      posnewx: i,
      posnewy: object,
      posnewz: 0,
      posoldx: i,
      posoldy: object,
      posoldz: 0,
      pidx: object,
      idx: i,
      action: 1,
      createdate: `${t.slice(0, 10)} ${t.slice(11, 19)}.000000`,
    });
  });
  return gzipSync(lines.join('\n'));
}

describe('Sources view: S3 sync in Chromium (browser mode)', () => {
  let rz: Redzone;
  let server: S3Server;
  let proxy: FaultProxy;

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_EC2_METADATA_DISABLED: 'true' });
    rz = await startRedzone();
    server = await startS3rver(join(rz.dir, 's3rver'), [BUCKET]);
    proxy = await startFaultProxy(server.endpoint);
    for (let i = 0; i < OBJECTS; i++) {
      const hour = i % 2;
      await putObject(
        server,
        BUCKET,
        `playlog/2018/10/09/0${hour}/playlog-1-2018-10-09-0${hour}-00-0${i}-00000000-0000-4000-a000-00000000000${i}.gz`,
        playlog(hour, i),
      );
    }
    await rz.page.getByTestId('nav-sources').click();
  });
  afterAll(async () => {
    await rz?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('configures and saves a source, plans, syncs with a progress bar, and the rows are there', async () => {
    const page = rz.page;
    await page.getByTestId('s3-name').fill('oct9');
    await page.getByTestId('s3-bucket').fill(BUCKET);
    await page.getByTestId('s3-prefixes').fill('playlog/');
    await page.getByTestId('s3-from').fill('2018-10-09T00');
    await page.getByTestId('s3-to').fill('2018-10-09T01');
    await page.getByTestId('s3-endpoint').fill(proxy.endpoint);
    await page.getByTestId('s3-save').click();
    await expect.poll(() => page.getByTestId('s3-sources').inputValue(), { timeout: 10_000 }).toBe('oct9');

    await page.getByTestId('s3-plan').click();
    await expect.poll(() => page.getByTestId('s3-plan-result').textContent(), { timeout: 15_000 }).toContain(`A sync downloads ${OBJECTS} objects`);
    await rz.screenshot('s3-plan');

    // A slow link, so the progress bar is seen while objects move.
    for (let i = 0; i < OBJECTS; i++) proxy.inject(`-0${i}-`, { chunkDelayMs: 1_500 });
    await page.getByTestId('s3-sync').click();
    await page.getByTestId('s3-progress').waitFor();
    await expect.poll(() => page.getByTestId('s3-progress').textContent(), { timeout: 15_000 }).toMatch(/\d+\/6 objects · .* KB\/s/);
    await rz.screenshot('s3-sync-progress');
    await expect.poll(() => page.getByTestId('s3-rows').textContent(), { timeout: 60_000 }).toBe((OBJECTS * ROWS).toLocaleString('en-US'));
    expect(await page.getByTestId('s3-summary').textContent()).toMatch(/Listed 6 · downloaded 6/);
    await rz.screenshot('s3-sync-done');

    expect(Number((await rz.app.services.ws.db.runAndReadAll('SELECT count(*) FROM playlog')).getRows()[0][0])).toBe(OBJECTS * ROWS);
    await page.getByTestId('nav-sql').click();
    const editor = page.locator('[data-testid="sql-editor"] .cm-content');
    await editor.click();
    await editor.fill('SELECT pidx, count(*) AS n FROM playlog GROUP BY pidx ORDER BY pidx');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('6 rows');
    await rz.screenshot('s3-rows-in-sql');
    // Chromium's automatic /favicon.ico request is the one 404 a page without an icon shows.
    expect(rz.problems.filter((p) => !/Failed to load resource: .* 404/.test(p))).toEqual([]);
  });

  it('a re-sync downloads nothing; a bad endpoint shows one clear message', async () => {
    const page = rz.page;
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('s3-sync').click();
    await expect.poll(() => page.getByTestId('s3-summary').textContent(), { timeout: 30_000 }).toMatch(/downloaded 0 \(0 B\) · unchanged 6/);
    // A slow listing shows its progress and can be cancelled.
    // Long enough that a loaded machine still sees the listing run (prefixes are listed in parallel); it is cancelled anyway.
    proxy.delayListings(10_000);
    await page.getByTestId('s3-plan').click();
    await expect
      .poll(() => page.getByTestId('s3-progress').textContent(), { timeout: 10_000 })
      .toMatch(/0\/3 prefixes.*listing s3:\/\/e2e-logs: 0 objects so far/);
    expect(await page.getByTestId('s3-plan').textContent()).toBe('Listing…');
    await rz.screenshot('s3-plan-listing');
    await page.getByTestId('s3-cancel').click();
    await expect.poll(() => page.getByTestId('s3-error').textContent(), { timeout: 2_000 }).toBe('Listing cancelled.');
    proxy.delayListings(0);
    await page.getByTestId('s3-endpoint').fill('http://127.0.0.1:9');
    await page.getByTestId('s3-plan').click();
    await expect.poll(() => page.getByTestId('s3-error').textContent(), { timeout: 30_000 }).toMatch(/Cannot reach S3 at http:\/\/127\.0\.0\.1:9/);
    await rz.screenshot('s3-network-down');
  });
});

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeFilesPage } from '../../shared/api/lake.ts';
import { startRedzone, type Redzone } from './harness.ts';
import { playlogLine } from './playlogLine.ts';

describe('Sources: the Files panel over the lake ledger, in Chromium (browser mode)', () => {
  let rz: Redzone;
  const hour = () => join(rz.dir, 'incoming', 'playlog/2018/10/14/09');
  const broken = () => join(hour(), 'playlog-2-2018-10-14-09-00-00-broken');
  const row = (i: number) => playlogLine(i);
  const chip = (name: string) => rz.page.getByTestId(`files-chip-${name}`);
  const fileRows = () => rz.page.getByTestId('files-row');

  beforeAll(async () => {
    rz = await startRedzone();
    await mkdir(hour(), { recursive: true });
    await writeFile(broken(), `${row(1)}\n{"posnewx": broken\n${row(2)}\n`);
    await writeFile(join(hour(), 'playlog-2-2018-10-14-09-10-00-clean'), `${row(3)}\n${row(4)}\n${row(5)}\n`);
  });
  afterAll(async () => rz?.close());

  it('shows every imported file with counts per status after loading the demo and a folder', async () => {
    await rz.page.getByTestId('nav-sources').click();
    await expect.poll(() => rz.page.getByTestId('files-none').textContent()).toContain('No files imported yet');
    await rz.page.getByTestId('load-demo-sources').click();
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 60_000, interval: 500 }).toMatch(/Imported \d+ files/);
    await rz.page.getByTestId('lake-dir').fill(join(rz.dir, 'incoming'));
    await rz.page.getByTestId('lake-import').click();
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 30_000 }).toContain('Imported 2 files, 5 rows');

    const env = await rz.app.router.call('lake.files', { limit: 1 });
    if (!env.ok) throw new Error(env.error.message);
    const { byStatus, matching } = env.value as LakeFilesPage;
    expect(byStatus.partial).toBe(1);
    await expect.poll(() => chip('all').textContent()).toMatch(new RegExp(`All\\s*${matching.toLocaleString('en-US')}`));
    expect(await chip('loaded').textContent()).toMatch(new RegExp(`loaded\\s*${byStatus.loaded.toLocaleString('en-US')}`));
    expect(await chip('partial').textContent()).toMatch(/partial\s*1/);
    expect(await chip('rejected').isDisabled()).toBe(true);
    // Newest import first: the folder's two files lead the table.
    expect(await fileRows().first().textContent()).toContain('playlog-2-2018-10-14-09');
    expect(await rz.page.getByTestId('files-range').textContent()).toContain(`of ${matching.toLocaleString('en-US')} files`);
    await rz.page.getByTestId('lake-files').scrollIntoViewIfNeeded();
    await rz.screenshot('lake-files');
  });

  it('filters by text and status, and a click on a file narrows the quarantine to its lines', async () => {
    await rz.page.getByTestId('files-search').fill('2018-10-14-09');
    await expect.poll(() => fileRows().count()).toBe(2);
    await expect.poll(() => chip('all').textContent()).toMatch(/All\s*2/);
    await chip('partial').click();
    await expect.poll(() => fileRows().count()).toBe(1);
    await fileRows().first().click();
    await expect.poll(() => rz.page.getByTestId('quarantine-file').textContent()).toContain('playlog-2-2018-10-14-09-00-00-broken');
    const quarantine = rz.page.getByTestId('lake-quarantine');
    await expect.poll(() => quarantine.locator('tbody tr').count()).toBe(1);
    expect(await quarantine.locator('tbody tr td').nth(1).textContent()).toBe('2');
    await rz.screenshot('lake-files-quarantine');
    await rz.page.getByTestId('quarantine-all').click();
    await expect.poll(() => rz.page.getByTestId('quarantine-file').count()).toBe(0);
  });

  it('marks a file deleted from disk as missing and forgets it with its rows', async () => {
    await rm(broken());
    // The panel checks the disk when it opens (and when the window regains focus).
    await rz.page.getByTestId('nav-sql').click();
    await rz.page.getByTestId('nav-sources').click();
    await expect.poll(() => chip('missing').textContent()).toMatch(/missing\s*1/);
    await chip('missing').click();
    await expect.poll(() => fileRows().count()).toBe(1);
    expect(await rz.page.getByTestId('files-missing').count()).toBe(1);
    await rz.page.getByTestId('files-forget-missing').click();
    expect(await rz.page.getByTestId('files-forget-confirm').textContent()).toMatch(/Forget 1 file no longer on disk\? Their 2 rows and 1 quarantined lines/);
    await rz.page.getByTestId('lake-files').scrollIntoViewIfNeeded();
    await rz.screenshot('lake-files-forget');
    await rz.page.getByTestId('files-forget-yes').click();
    await expect.poll(() => rz.page.getByTestId('files-forgotten').textContent()).toContain('Forgot 1 file: 2 rows and 1 quarantined lines removed');
    await expect.poll(() => chip('missing').count()).toBe(0);
    await expect.poll(() => chip('partial').isDisabled()).toBe(true);
    await expect.poll(() => rz.page.getByTestId('lake-totals').textContent()).toContain('300,003 play-log rows');
    await rz.screenshot('lake-files-forgotten');
  });

  it('logs no page errors', () => {
    expect(rz.problems.filter((p) => !/Failed to load resource: .*404/.test(p))).toEqual([]);
  });
});

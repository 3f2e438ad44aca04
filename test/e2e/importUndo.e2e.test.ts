import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPath } from '../../electron/lake/import.ts';
import { lakeSchema } from '../../electron/lake/schema.ts';
import { openWorkspace } from '../../electron/workspace/workspace.ts';
import { startRedzone, type Redzone } from './harness.ts';
import { playlogLine } from './playlogLine.ts';

/** Issue #14 item 4: imports you can undo, and a panel a failed import leaves usable. */
describe('imports you can undo, in Chromium (browser mode)', () => {
  let rz: Redzone;
  const row = (i: number, pidx: number) => playlogLine(i, { pidx, idx: 80_000_000 + pidx * 1000 + i, createdate: '2018-10-14 09:00:00' });
  const lines = (n: number, pidx: number) => Array.from({ length: n }, (_, i) => row(i, pidx)).join('\n') + '\n';
  const count = async (sql: string) => Number((await rz.app.services.ws.db.runAndReadAll(sql)).getRows()[0][0]);

  async function importTyped(path: string) {
    await rz.page.getByTestId('lake-dir').fill(path);
    await rz.page.getByTestId('lake-import').click();
  }

  beforeAll(async () => {
    rz = await startRedzone();
    await rz.page.getByTestId('nav-sources').click();
  });
  afterAll(async () => rz?.close());

  it('importing a missing path shows the error, and the next import works without a reload', async () => {
    await importTyped(join(rz.dir, 'no-such-folder'));
    await expect.poll(() => rz.page.getByTestId('lake-error').textContent()).toContain(`${join(rz.dir, 'no-such-folder')} does not exist`);
    await rz.screenshot('import-missing-path');
    const folder = join(rz.dir, 'first');
    await mkdir(join(folder, 'playlog/2018/10/14/09'), { recursive: true });
    await writeFile(join(folder, 'playlog/2018/10/14/09/a.json'), lines(3, 1));
    expect(await rz.page.getByTestId('lake-import').isEnabled()).toBe(true);
    await importTyped(folder);
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 30_000 }).toContain('Imported 1 file, 3 rows');
    expect(await rz.page.getByTestId('lake-error').count()).toBe(0);
  });

  it('importing a folder that holds a workspace and its WAL passes over both and says so', async () => {
    const folder = join(rz.dir, 'with-workspace');
    const hour = join(folder, 'playlog/2018/10/14/10');
    await mkdir(hour, { recursive: true });
    await writeFile(join(hour, 'b.json'), lines(4, 2));
    const inner = await openWorkspace(join(folder, 'other.duckdb'), [lakeSchema]);
    await importPath(inner, hour);
    inner.close();
    await writeFile(join(folder, 'other.duckdb.wal'), lines(5, 3)); // a WAL left by a crash: play-log text inside
    await importTyped(folder);
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 30_000 }).toContain('Imported 1 file, 4 rows');
    expect(await rz.page.getByTestId('lake-summary').textContent()).toContain('2 passed over');
    const ignored = rz.page.getByTestId('lake-ignored');
    await ignored.locator('summary').click();
    const text = await ignored.textContent();
    expect(text).toContain(`${join(folder, 'other.duckdb')} — a DuckDB database or its write-ahead log, not a log`);
    expect(text).toContain(`${join(folder, 'other.duckdb.wal')} — a DuckDB database or its write-ahead log, not a log`);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 3')).toBe(0);
    await ignored.scrollIntoViewIfNeeded();
    await rz.screenshot('import-passes-over-workspace');
  });

  it('forgetting a present folder removes exactly its rows, quarantine and ledger entries', async () => {
    const before = { rows: await count('SELECT count(*) FROM playlog'), files: await count('SELECT count(*) FROM lake_file') };
    const folder = join(rz.dir, 'with-workspace');
    const mine = {
      rows: await count(`SELECT count(*) FROM playlog WHERE starts_with(source, '${folder}/')`),
      files: await count(`SELECT count(*) FROM lake_file WHERE starts_with(key, '${folder}/')`),
    };
    expect(mine).toEqual({ rows: 4, files: 1 });
    await rz.page.getByTestId('files-forget-path').click();
    await rz.page.getByTestId('files-forget-under-path').fill(folder);
    await expect.poll(() => rz.page.getByTestId('files-forget-under-preview').textContent()).toContain('Forget 1 file: 4 rows and 0 quarantined lines');
    await rz.page.getByTestId('files-forget-under').scrollIntoViewIfNeeded();
    await rz.screenshot('forget-folder-confirm');
    await rz.page.getByTestId('files-forget-under-yes').click();
    await expect.poll(() => rz.page.getByTestId('files-forgotten').textContent()).toContain('Forgot 1 file: 4 rows and 0 quarantined lines removed');
    expect(await count('SELECT count(*) FROM playlog')).toBe(before.rows - 4);
    expect(await count('SELECT count(*) FROM lake_file')).toBe(before.files - 1);
    expect(await count(`SELECT count(*) FROM playlog WHERE starts_with(source, '${join(rz.dir, 'first')}/')`)).toBe(3);
    // The folder is still on disk: importing it again brings exactly its rows back.
    await importTyped(folder);
    await expect.poll(() => rz.page.getByTestId('lake-summary').textContent(), { timeout: 30_000 }).toContain('Imported 1 file, 4 rows');
    await rz.screenshot('forget-folder-done');
  });

  it('logs no page errors', () => {
    expect(rz.problems.filter((p) => !/Failed to load resource: .*(404|the server responded with a status of 404)/.test(p))).toEqual([]);
  });
});

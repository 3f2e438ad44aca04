import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_COMPONENTS } from '../../../electron/api/services.ts';
import { createApp, type App } from '../../../electron/api/app.ts';
import { openWorkspace } from '../../../electron/workspace/workspace.ts';

describe("the console cannot wreck Redzone's objects", () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-guard-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });
  const run = (sql: string) => app.router.call('sql.run', { sql, queryId: 'g' });

  it('refuses DROP VIEW playlog with a reason, runs nothing of the batch, and logs it as failed', async () => {
    const env = await run('CREATE TABLE before_drop AS SELECT 1; DROP VIEW playlog');
    expect(env).toMatchObject({ ok: false, error: { code: 'REFUSED', message: expect.stringMatching(/"playlog" is one of Redzone's own views/) } });
    expect((await app.services.console.history(1))[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot be dropped/) });
    expect(await run('SELECT * FROM before_drop')).toMatchObject({ ok: false, error: { code: 'SQL_ERROR' } });
    expect(await run('SELECT count(*) FROM playlog')).toMatchObject({ ok: true });
  });

  it("leaves the analyst's own tables free and reports rows affected", async () => {
    expect(await run('CREATE TABLE mine AS SELECT range AS a FROM range(10)')).toMatchObject({ ok: true });
    expect(await run('DELETE FROM mine WHERE a < 4')).toMatchObject({ ok: true, value: { rowsChanged: 4 } });
    expect(await run('UPDATE mine SET a = a + 1 WHERE a > 7')).toMatchObject({ ok: true, value: { rowsChanged: 2 } });
    expect(await run('DROP TABLE mine')).toMatchObject({ ok: true });
  });

  it('recreates the views on open, so a workspace broken outside the console heals', async () => {
    const path = join(dir, 'broken.duckdb');
    const ws = await openWorkspace(path, SCHEMA_COMPONENTS);
    await ws.db.run('DROP VIEW movement; DROP VIEW gamelog; DROP VIEW playlog');
    ws.close();
    const healed = await openWorkspace(path, SCHEMA_COMPONENTS);
    try {
      const views = (await healed.db.runAndReadAll(`SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1`)).getRows().map((r) => r[0]);
      expect(views).toEqual(['gamelog', 'movement', 'player_profile', 'playlog', 'userlog', 'userprofile']);
      await healed.db.run('SELECT * FROM movement LIMIT 1');
    } finally {
      healed.close();
    }
  });
});

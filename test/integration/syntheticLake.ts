import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createApp, type App } from '../../electron/api/app.ts';
import { syntheticFileSql } from '../../electron/lake/schema.ts';

/** A new app on an empty workspace in a temporary folder; `close` closes it and removes the folder. */
export async function tempApp(prefix: string): Promise<{ app: App; dir: string; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  const app = await createApp(join(dir, 'ws.duckdb'), () => {});
  return {
    app,
    dir,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Play-log rows written straight into the data tables (one synthetic ledger file): `paths` is a SELECT
 * of (pidx, i, x, y), the player's i-th event at (x, y), a minute after the one before and moving
 * from it.
 */
export async function insertPaths(db: DuckDBConnection, paths: string): Promise<void> {
  await db.run(syntheticFileSql(1, 'playlog/synthetic'));
  await db.run(`INSERT INTO lake_playlog_data
    SELECT row_number() OVER (), x, y, 0, coalesce(lag(x) OVER w, x), coalesce(lag(y) OVER w, y), 0, pidx, row_number() OVER (), 0,
      TIMESTAMP '2018-10-12 05:00:00' + to_minutes(i), 2018, 10, 12, 5, 1
    FROM (${paths}) WINDOW w AS (PARTITION BY pidx ORDER BY i)`);
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, withConnection } from '../../../electron/workspace/db.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

describe('workspace connection plumbing', () => {
  let dir: string;
  let ws: Workspace;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-db-'));
    ws = await openWorkspace(join(dir, 'ws.duckdb'));
    await ws.db.run('CREATE TABLE t (x INTEGER PRIMARY KEY)');
  });
  afterAll(async () => {
    ws.close();
    await rm(dir, { recursive: true, force: true });
  });
  const count = async () => Number((await ws.db.runAndReadAll('SELECT count(*) FROM t')).getColumns()[0][0]);

  it('commits what the work wrote and returns its value', async () => {
    const v = await withConnection(ws, (c) => inTransaction(c, async () => (await c.run('INSERT INTO t VALUES (1)'), 'ok')));
    expect(v).toBe('ok');
    expect(await count()).toBe(1);
  });

  it('rolls back and rethrows the original error, even when the failure aborted the transaction', async () => {
    await expect(
      withConnection(ws, (c) =>
        inTransaction(c, async () => {
          await c.run('INSERT INTO t VALUES (2)');
          await c.run('INSERT INTO t VALUES (1)'); // duplicate key: DuckDB aborts the transaction
        }),
      ),
    ).rejects.toThrow(/Duplicate key|PRIMARY KEY|constraint/i);
    expect(await count()).toBe(1);
  });
});

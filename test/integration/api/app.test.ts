import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';

describe('app: one router over the open workspace', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-app-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'first.duckdb'), () => {});
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const info = async () => {
    const env = await app.router.call('workspace.info', {});
    if (!env.ok) throw new Error(env.error.message);
    return env.value as { path: string; recent: string[]; empty: boolean };
  };

  it('reports the open workspace and remembers it', async () => {
    const i = await info();
    expect(i.path).toBe(join(dir, 'first.duckdb'));
    expect(i.recent[0]).toBe(i.path);
    expect(i.empty).toBe(true);
  });

  it('switches workspaces, emitting workspace.changed, and keeps the recent list', async () => {
    const seen: string[] = [];
    const off = app.services.events.subscribe((e) => seen.push(e));
    expect(await app.router.call('workspace.open', { path: join(dir, 'second.duckdb'), create: true })).toEqual({ ok: true, value: {} });
    off();
    expect(seen).toContain('workspace.changed');
    const i = await info();
    expect(i.path).toBe(join(dir, 'second.duckdb'));
    expect(i.recent.slice(0, 2)).toEqual([join(dir, 'second.duckdb'), join(dir, 'first.duckdb')]);
  });

  it('keeps the current workspace when the new one is not a database', async () => {
    await writeFile(join(dir, 'bad.duckdb'), 'not a database');
    const env = await app.router.call('workspace.open', { path: join(dir, 'bad.duckdb') });
    expect(env).toMatchObject({ ok: false, error: { code: 'WORKSPACE_INVALID' } });
    expect((await info()).path).toBe(join(dir, 'second.duckdb'));
    expect(await app.router.call('sql.run', { sql: 'SELECT 1', queryId: 'q' })).toMatchObject({ ok: true });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultMemoryLimit, MEMORY_LIMIT_ENV, parseMemoryLimit } from '../../../electron/workspace/memory.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';

const setting = async (ws: Workspace, name: string) => String((await ws.db.runAndReadAll(`SELECT current_setting('${name}')`)).getRows()[0][0]);
const mib = (text: string) => Number(/^(\d+)MiB$/.exec(text)![1]);

describe('DuckDB memory limit and spill folder', () => {
  let dir: string;
  const saved = process.env[MEMORY_LIMIT_ENV];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-memory-'));
    delete process.env[MEMORY_LIMIT_ENV];
  });
  afterEach(() => {
    delete process.env[MEMORY_LIMIT_ENV];
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[MEMORY_LIMIT_ENV];
    else process.env[MEMORY_LIMIT_ENV] = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to a quarter of RAM, at most 512 MiB, and spills into the workspace data folder', async () => {
    const ws = await openWorkspace(join(dir, 'a.duckdb'));
    try {
      expect(ws.memory.from).toBe('default');
      expect(mib(ws.memory.limit)).toBe(Math.min(512, Math.floor(totalmem() / 4 / 2 ** 20)));
      expect(await setting(ws, 'temp_directory')).toBe(join(dir, 'a.data', 'duckdb-tmp'));
      // DuckDB reports the limit back rounded, in its own units ("5.8 GiB").
      const [, value, unit] = /^([\d.]+) (MiB|GiB)$/.exec(await setting(ws, 'memory_limit'))!;
      expect(Math.abs(Number(value) * (unit === 'GiB' ? 1024 : 1) - mib(ws.memory.limit)) / mib(ws.memory.limit)).toBeLessThan(0.02);
    } finally {
      ws.close();
    }
  });

  it('spills a sort bigger than its limit into a data folder that did not exist yet', async () => {
    // DuckDB creates only the last folder of temp_directory: a workspace beside which no .data folder
    // existed failed its first big sort (a lab-scale score, at its player stage).
    process.env[MEMORY_LIMIT_ENV] = '200MB';
    const ws = await openWorkspace(join(dir, 'fresh', 'spill.duckdb'));
    try {
      const r = await ws.db.runAndReadAll('SELECT sum(i * j) FROM (SELECT i, row_number() OVER (ORDER BY hash(i)) AS j FROM range(8000000) t(i))');
      expect(r.getRows()[0][0]).not.toBeNull();
    } finally {
      ws.close();
    }
  });

  it('keeps a limit set in the workspace across reopening; REDZONE_MEMORY_LIMIT wins over it', async () => {
    const path = join(dir, 'b.duckdb');
    const ws = await openWorkspace(path);
    expect(await ws.setMemoryLimit('1GB')).toMatchObject({ limit: '953MiB', from: 'workspace' });
    expect(await setting(ws, 'memory_limit')).toMatch(/^95\d\.\d MiB$/);
    ws.close();
    const again = await openWorkspace(path);
    expect(again.memory).toMatchObject({ limit: '953MiB', from: 'workspace' });
    again.close();
    process.env[MEMORY_LIMIT_ENV] = '512MiB';
    const env = await openWorkspace(path);
    try {
      expect(env.memory).toMatchObject({ limit: '512MiB', from: 'env' });
      expect(await setting(env, 'memory_limit')).toBe('512.0 MiB');
      // Storing a new limit keeps the environment's in force for this session.
      expect((await env.setMemoryLimit('2GB')).from).toBe('env');
      expect(await setting(env, 'memory_limit')).toBe('512.0 MiB');
    } finally {
      env.close();
    }
  });

  it('refuses limits it cannot read, with the forms it takes', () => {
    expect(parseMemoryLimit('2GiB')).toBe('2048MiB');
    expect(parseMemoryLimit('50%', 8 * 2 ** 30)).toBe('4096MiB');
    expect(() => parseMemoryLimit('lots')).toThrow(/2GB, 512MB or 25%/);
    expect(() => parseMemoryLimit('10MB')).toThrow(/below/);
  });

  it('takes a quarter of a small machine and caps the default on a big one', () => {
    expect(defaultMemoryLimit(1 * 2 ** 30)).toBe('256MiB');
    expect(defaultMemoryLimit(16 * 2 ** 30)).toBe('512MiB');
  });
});

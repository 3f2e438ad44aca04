import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DensityGrid, MapCacheStatus } from '../../../shared/api/map.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import { createApp, type App } from '../../../electron/api/app.ts';
import { ledgerFingerprint, mapCache } from '../../../electron/map/cache.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { quoteLiteral } from '../../../electron/workspace/sqlText.ts';
import { writePlaylog } from '../investigate/syntheticPlaylog.ts';

/**
 * The map's position cache is built as a 'map.cache' job: started by an import, with progress per step
 * and DuckDB's own progress within one; cancel interrupts DuckDB and rolls back; the map answers from
 * the play log meanwhile. Millions of rows so the build lasts long enough (1–3 s) to act during it.
 */
const ROWS = 3_000_000;
const WHOLE = { x0: 0, x1: 1600, y0: 0, y1: 1000, nx: 160, ny: 100 };
let dir: string;

interface Harness {
  app: App;
  call<T>(method: string, req: unknown): Promise<T>;
  /** Every map.cache job event since the harness started (copies: the runner mutates its own). */
  cacheEvents: JobInfo[];
  /** Imports `lake` through the API (as the Sources view does) and returns the map.cache job the import starts. */
  importAndBuild(lake: string): Promise<JobInfo>;
  count(sql: string): Promise<number>;
  close(): Promise<void>;
}

async function harness(name: string): Promise<Harness> {
  const app = await createApp(join(dir, `${name}.duckdb`), () => {});
  const cacheEvents: JobInfo[] = [];
  app.services.events.subscribe(
    (event, payload) => event === 'job' && (payload as JobInfo).kind === 'map.cache' && cacheEvents.push(structuredClone(payload as JobInfo)),
  );
  const call = async <T>(method: string, req: unknown): Promise<T> => {
    const env = await app.router.call(method, req);
    if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
    return env.value as T;
  };
  return {
    app,
    call,
    cacheEvents,
    async importAndBuild(lake) {
      const known = new Set(app.services.jobs.list().map((j) => j.id));
      const job = await call<JobInfo>('lake.import', { dir: lake });
      expect((await app.services.jobs.wait(job.id)).state).toBe('done');
      let build: JobInfo | undefined;
      await expect.poll(() => (build = app.services.jobs.list().find((j) => j.kind === 'map.cache' && !known.has(j.id)))).toBeDefined();
      return build!;
    },
    count: async (sql) => Number((await app.services.ws.db.runAndReadAll(sql)).getRows()[0][0]),
    close: () => app.close(),
  };
}

const lakeDir = () => join(dir, 'lake');
const hour = (h: string, file: string) => join(lakeDir(), 'playlog', '2018', '10', '12', h, file);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-map-cache-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  await writePlaylog(hour('05', 'a.parquet'), ROWS, 1);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('map cache as a job', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('ws');
  });
  afterAll(() => h?.close());

  it('starts after an import, reports progress, and the map answers from the play log meanwhile', async () => {
    const job = await h.importAndBuild(lakeDir());
    expect(job).toMatchObject({ kind: 'map.cache', state: 'running' });
    // Unfiltered, while the build runs: the same counts, read from the play log; answered before the build ends.
    const grid = await h.call<DensityGrid>('map.density', WHOLE);
    const answeredAt = Date.now();
    expect(grid.total).toBe(ROWS);
    const ended = await h.app.services.jobs.wait(job.id);
    expect(ended.state, ended.error?.message).toBe('done');
    expect(answeredAt).toBeLessThan(Date.parse(ended.endedAt!));

    const mine = h.cacheEvents.filter((e) => e.id === job.id);
    expect(mine.some((e) => /^step [123] of 3: /.test(e.progress.message ?? ''))).toBe(true);
    const done = mine.map((e) => e.progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(mine.at(-1)!.progress).toMatchObject({ done: 100, total: 100, unit: '%' });

    expect(await h.call<MapCacheStatus>('map.cacheStatus', {})).toMatchObject({ current: true, job: { id: job.id, state: 'done' } });
    expect(await h.count('SELECT sum(n) FROM rz_map_cells')).toBe(ROWS);
    // Now from the cached cells (each counted at its centre, so bins near an edge may differ slightly).
    expect((await h.call<DensityGrid>('map.density', WHOLE)).total).toBe(ROWS);
  });

  it('jobs.cancel ends the build with CANCELLED, keeps the previous cache, and the build is not restarted on its own', async () => {
    const before = await ledgerFingerprint(h.app.services.ws);
    await writePlaylog(hour('06', 'b.parquet'), ROWS, 2);
    const job = await h.importAndBuild(lakeDir());
    expect(await h.call('jobs.cancel', { id: job.id })).toEqual({ cancelled: true });
    const ended = await h.app.services.jobs.wait(job.id);
    expect(ended.state).toBe('cancelled');
    expect(ended.error?.code).toBe('CANCELLED');

    // The previous cache, whole: the rollback left nothing of the new one.
    expect(await h.count('SELECT count(*) FROM rz_map_meta WHERE fingerprint = ' + quoteLiteral(before))).toBe(1);
    expect(await h.count('SELECT sum(n) FROM rz_map_cells')).toBe(ROWS);
    expect(await h.count('SELECT count(*) FROM rz_map_xy')).toBe(ROWS);
    // The map reads the play log (all rows, correct), and does not start the cancelled build again.
    expect((await h.call<DensityGrid>('map.density', WHOLE)).total).toBe(2 * ROWS);
    expect(h.app.services.jobs.list().filter((j) => j.kind === 'map.cache' && j.state === 'running')).toEqual([]);
    expect(await h.call<MapCacheStatus>('map.cacheStatus', {})).toMatchObject({ current: false, job: { id: job.id, state: 'cancelled' } });
    await rm(hour('06', 'b.parquet'));
  });
});

describe('a build cancelled inside a DuckDB statement', () => {
  it('stops at once, leaves no cache at all; the map then starts the build itself and answers meanwhile', async () => {
    const h = await harness('first');
    try {
      await importPath(h.app.services.ws, lakeDir()); // the lake module directly: no event, so no build yet
      const controller = new AbortController();
      const reports: { done: number; message?: string }[] = [];
      let abortedAt = 0;
      const build = mapCache(h.app.services.ws, {
        signal: controller.signal,
        onProgress: (p) => {
          reports.push(p);
          // Inside the sort: DuckDB has reported progress on the statement, so it is mid-query.
          if (!abortedAt && p.message?.startsWith('step 3') && p.done > 35) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
      await expect(build).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(performance.now() - abortedAt).toBeLessThan(1_000);
      // Every step in order, with DuckDB's own progress between the step boundaries (0, 10, 35).
      expect([...new Set(reports.map((r) => r.message))]).toEqual([
        'step 1 of 3: finding the extent',
        'step 2 of 3: counting positions per cell',
        'step 3 of 3: sorting positions by band',
      ]);
      expect(reports.some((r) => ![0, 10, 35].includes(r.done))).toBe(true);
      expect(await h.count('SELECT count(*) FROM rz_map_meta')).toBe(0);
      expect(await h.count('SELECT count(*) FROM rz_map_cells')).toBe(0);
      expect(await h.count('SELECT count(*) FROM rz_map_xy')).toBe(0);

      // The map finds no cache: it answers from the play log and starts the build as a job.
      expect((await h.call<DensityGrid>('map.density', WHOLE)).total).toBe(ROWS);
      const status = await h.call<MapCacheStatus>('map.cacheStatus', {});
      expect(status).toMatchObject({ current: false, job: { kind: 'map.cache', state: 'running' } });
      // Asking for a build while one runs joins it.
      expect((await h.call<JobInfo>('map.buildCache', {}))!.id).toBe(status.job!.id);
      expect((await h.app.services.jobs.wait(status.job!.id)).state).toBe('done');
      expect(await h.count('SELECT sum(n) FROM rz_map_cells')).toBe(ROWS);
      expect(await h.call('map.buildCache', {})).toBeNull();
    } finally {
      await h.close();
    }
  });
});

describe('a build killed mid-statement', () => {
  it('leaves no half cache: the workspace reopens with the previous one (here none), and builds again', async () => {
    const path = join(dir, 'killed.duckdb');
    const setup = await createApp(path, () => {});
    await importPath(setup.services.ws, lakeDir());
    await setup.close();

    const child = spawn(process.execPath, [join(import.meta.dirname, 'buildCacheChild.mjs'), path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      // Inside the sort, with rows already written to the new tables in the open transaction.
      if ([...stderr.matchAll(/^(\d+) step 3/gm)].some((m) => Number(m[1]) > 35)) child.kill('SIGKILL');
    });
    const [, signal] = (await new Promise((resolve) => child.on('close', (...a) => resolve(a)))) as [number | null, string | null];
    expect(signal, stderr).toBe('SIGKILL');

    const h = await harness('killed');
    try {
      expect(await h.count('SELECT count(*) FROM rz_map_meta')).toBe(0);
      expect(await h.count('SELECT count(*) FROM rz_map_cells')).toBe(0);
      expect(await h.count('SELECT count(*) FROM rz_map_xy')).toBe(0);
      expect(await mapCache(h.app.services.ws)).not.toBeNull();
      expect(await h.count('SELECT sum(n) FROM rz_map_cells')).toBe(ROWS);
    } finally {
      await h.close();
    }
  });
});

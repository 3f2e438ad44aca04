import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Source, S3SyncSummary } from '../../../shared/api/s3.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { lakeImporter } from '../../../electron/s3/lakeImport.ts';
import { s3Schema } from '../../../electron/s3/schema.ts';
import { planSync, syncSource, type SyncDeps, type SyncProgress } from '../../../electron/s3/sync.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';
import { putObject, startFaultProxy, startS3rver, type FaultProxy, type S3Server } from './s3server.ts';

const BUCKET = 'game-logs';
let dir: string;
let server: S3Server;
let proxy: FaultProxy;
let ws: Workspace;
let deps: SyncDeps;

/** Play-log JSON lines, one every stepMs from `start` (UTC "YYYY-MM-DD HH:MM:SS"). */
function playlog(start: string, count: number, pidx = 7, stepMs = 1000): string {
  const t0 = Date.parse(start.replace(' ', 'T') + 'Z');
  return (
    Array.from({ length: count }, (_, i) => {
      const iso = new Date(t0 + i * stepMs).toISOString();
      return JSON.stringify({
        posnewx: i,
        posnewy: 1,
        posnewz: 0,
        posoldx: i - 1,
        posoldy: 1,
        posoldz: 0,
        pidx,
        idx: i,
        action: 1,
        createdate: `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`,
      });
    }).join('\n') + '\n'
  );
}

const name = (stream: string, hour: string) => `${stream}-1-2018-10-09-${hour}-00-00-${randomUUID()}`;
const keys = {
  h00: `playlog/2018/10/09/00/${name('playlog', '00')}.gz`,
  h01: `playlog/2018/10/09/01/${name('playlog', '01')}`, // gzip without .gz
  h02: `playlog/2018/10/09/02/${name('playlog', '02')}.gz`, // the hour after: half late arrivals
  h03: `playlog/2018/10/09/03/${name('playlog', '03')}.gz`,
  user: `userlog/2018/10/09/00/${name('userlog', '00')}.gz`,
};

const source = (over: Partial<S3Source> = {}): S3Source => ({
  name: 't',
  bucket: BUCKET,
  prefixes: ['playlog/', 'userlog/'],
  endpoint: proxy.endpoint,
  from: '2018-10-09T00',
  to: '2018-10-09T01',
  ...over,
});
const run = (s: S3Source, onProgress?: (p: SyncProgress) => void): Promise<S3SyncSummary> =>
  syncSource(deps, s, { signal: new AbortController().signal, maxAttempts: 3, ...(onProgress ? { onProgress } : {}) });
const count = async (sql: string) => Number((await ws.db.runAndReadAll(sql)).getRows()[0][0]);
const objectGets = () => proxy.seen.filter((s) => s.startsWith('GET') && !s.includes('list-type'));

async function filesUnder(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  return (await readdir(path, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-s3-sync-'));
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_EC2_METADATA_DISABLED: 'true' });
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  proxy = await startFaultProxy(server.endpoint);
  await putObject(server, BUCKET, keys.h00, gzipSync(playlog('2018-10-09 00:00:00', 100)));
  await putObject(server, BUCKET, keys.h01, gzipSync(playlog('2018-10-09 01:00:00', 100)));
  await putObject(server, BUCKET, keys.h02, gzipSync(playlog('2018-10-09 01:59:10', 100))); // 50 in 01:59, 50 in 02:00
  await putObject(server, BUCKET, keys.h03, gzipSync(playlog('2018-10-09 03:00:00', 10)));
  await putObject(
    server,
    BUCKET,
    keys.user,
    gzipSync(
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ pidx: i, uclass: 'rogue', ulevel: 3, utimestamp: `2018-10-09 00:0${i}:00.000000` })).join('\n'),
    ),
  );
  ws = await openWorkspace(join(dir, 'ws.duckdb'), [lakeSchema, s3Schema]);
  deps = { db: await ws.connect(), cacheDir: join(ws.dataDir, 's3'), importer: lakeImporter(ws) };
}, 60_000);

afterAll(async () => {
  deps?.db.closeSync();
  ws?.close();
  await proxy?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('syncSource', () => {
  it('plans, downloads, imports the range plus late arrivals, and keeps rows by event time', async () => {
    const plan = await planSync(deps, source(), { signal: new AbortController().signal });
    expect(plan.totals.new.objects).toBe(4); // 00, 01, 02 (the hour after) and the user log; not 03
    expect(plan.listedPrefixes).toContain('playlog/2018/10/09/02/');

    const progress: SyncProgress[] = [];
    const summary = await run(source(), (p) => progress.push(p));
    expect(summary).toEqual({ listed: 4, downloaded: 4, skipped: 0, bytes: plan.totals.new.bytes, rows: 260, errors: [], ignored: [] });
    expect(await count('SELECT count(*) FROM playlog')).toBe(250);
    expect(await count(`SELECT count(*) FROM playlog WHERE createdate >= '2018-10-09 02:00:00'`)).toBe(0);
    expect(await count('SELECT count(*) FROM userlog')).toBe(10);
    expect(progress.some((p) => p.unit === 'objects' && p.done === 4 && p.bytesDone === plan.totals.new.bytes)).toBe(true);
    // The cache mirrors the bucket; no .part and no staging folder is left behind.
    const cached = await filesUnder(deps.cacheDir);
    expect(cached.map((f) => f.slice(deps.cacheDir.length + 1)).sort()).toEqual([keys.h00, keys.h01, keys.h02, keys.user].map((k) => `${BUCKET}/${k}`).sort());
  });

  it('re-syncing an unchanged range transfers 0 bytes and changes nothing', async () => {
    proxy.seen.length = 0;
    const before = await count('SELECT count(*) FROM lake_file');
    expect(await run(source())).toEqual({ listed: 4, downloaded: 0, skipped: 4, bytes: 0, rows: 0, errors: [], ignored: [] });
    expect(objectGets()).toEqual([]);
    expect(await count('SELECT count(*) FROM playlog')).toBe(250);
    expect(await count('SELECT count(*) FROM lake_file')).toBe(before);
  });

  it('downloads a changed object again and replaces its rows', async () => {
    await putObject(server, BUCKET, keys.h01, gzipSync(playlog('2018-10-09 01:10:00', 70, 9)));
    const plan = await planSync(deps, source(), { signal: new AbortController().signal });
    expect(plan.objects.filter((o) => o.status === 'changed').map((o) => o.key)).toEqual([keys.h01]);
    const summary = await run(source());
    expect(summary).toMatchObject({ listed: 4, downloaded: 1, skipped: 3, rows: 70, errors: [] });
    expect(await count('SELECT count(*) FROM playlog')).toBe(220);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 9')).toBe(70);
  });

  it('extending the range imports the rest of the former hour-after object without downloading it', async () => {
    proxy.seen.length = 0;
    const summary = await run(source({ to: '2018-10-09T02' }));
    // 02 is re-imported for the wider window (its 50 rows of 02:00 come in); 03 is the new hour after.
    // 00, 01 and the user log cannot hold events after their folder's hour, so they stay as they are.
    expect(summary).toMatchObject({ listed: 5, downloaded: 1, skipped: 3, rows: 100, errors: [] });
    expect(objectGets().map((s) => s.includes(keys.h03.split('/').pop()!))).toEqual([true]);
    expect(await count('SELECT count(*) FROM playlog')).toBe(270);
    expect(await count(`SELECT count(*) FROM playlog WHERE createdate >= '2018-10-09 03:00:00'`)).toBe(0);
  });

  it('survives the server stopping mid-download: the re-run resumes and imports exact rows, no partial file', async () => {
    const big = `playlog/2018/10/09/05/${name('playlog', '05')}`;
    const bigBody = playlog('2018-10-09 05:00:00', 30_000, 11, 100); // ~5 MB, plain JSON lines
    await putObject(server, BUCKET, big, bigBody);
    const s = source({ from: '2018-10-09T05', to: '2018-10-09T05' });
    proxy.inject(big.split('/').pop()!, { chunkDelayMs: 15 });
    let killed = false;
    const first = await run(s, (p) => {
      if (!killed && p.unit === 'objects' && (p.bytesDone ?? 0) > 500_000) {
        killed = true;
        void server.stop();
      }
    });
    expect(killed).toBe(true);
    expect(first.rows).toBe(0);
    expect(first.errors).toHaveLength(1);
    expect(first.errors[0]).toMatchObject({ key: big, code: 'S3_ERROR' });
    expect(first.errors[0].message).toMatch(/Cannot reach S3|connection broke/);
    const cachePath = join(deps.cacheDir, BUCKET, ...big.split('/'));
    expect(existsSync(cachePath)).toBe(false);
    expect(existsSync(`${cachePath}.part`)).toBe(true);

    server = await startS3rver(join(dir, 'server'), [BUCKET], server.port);
    proxy.retarget(server.endpoint);
    proxy.seen.length = 0;
    const second = await run(s);
    expect(second).toMatchObject({ downloaded: 1, rows: 30_000, errors: [] });
    expect(second.bytes).toBeGreaterThan(0);
    expect(second.bytes).toBeLessThan(Buffer.byteLength(bigBody)); // resumed, not fetched again
    expect(objectGets().some((g) => /bytes=\d+-$/.test(g))).toBe(true);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 11')).toBe(30_000);
    expect((await filesUnder(deps.cacheDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  }, 20_000); // a 5 MB body throttled to time the kill: slower than the default 5 s when the suites run side by side

  it('cancels mid-download and the next run resumes from the .part', async () => {
    const key = `playlog/2018/10/09/09/${name('playlog', '09')}`;
    const body = playlog('2018-10-09 09:00:00', 20_000, 13, 150);
    await putObject(server, BUCKET, key, body);
    const s = source({ from: '2018-10-09T09', to: '2018-10-09T09' });
    proxy.inject(key.split('/').pop()!, { chunkDelayMs: 15 });
    const ac = new AbortController();
    const cancelled = syncSource(deps, s, {
      signal: ac.signal,
      onProgress: (p) => p.unit === 'objects' && (p.bytesDone ?? 0) > 200_000 && ac.abort(),
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    const part = `${join(deps.cacheDir, BUCKET, ...key.split('/'))}.part`;
    expect(existsSync(part)).toBe(true);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 13')).toBe(0);
    const resumed = await run(s);
    expect(resumed).toMatchObject({ downloaded: 1, rows: 20_000, errors: [] });
    expect(resumed.bytes).toBeLessThan(Buffer.byteLength(body));
    expect(existsSync(part)).toBe(false);
  });

  it('never imports a truncated body', async () => {
    const key = `playlog/2018/10/09/07/${name('playlog', '07')}.gz`;
    await putObject(server, BUCKET, key, gzipSync(playlog('2018-10-09 07:00:00', 5_000, 12, 500)));
    proxy.inject(key.split('/').pop()!, { truncateAfter: 2_000 }, { truncateAfter: 2_000 }, { truncateAfter: 2_000 });
    const s = source({ from: '2018-10-09T07', to: '2018-10-09T07' });
    const failed = await run(s);
    expect(failed.errors.map((e) => e.key)).toEqual([key]);
    expect(failed.errors[0].message).toMatch(/gave up after retries/);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 12')).toBe(0);
    proxy.inject(key.split('/').pop()!, { status: 503 }, { truncateAfter: 1_000 });
    expect(await run(s)).toMatchObject({ downloaded: 1, rows: 5_000, errors: [] });
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 12')).toBe(5_000);
  });
});

describe('keys the lake passes over', () => {
  it('are reported with why and never recorded as imported, so every sync offers them again', async () => {
    const hour = 'odd/2018/10/09/00';
    const passed = [`${hour}/_started-playlog.json`, `${hour}/.hidden-playlog.json`, `${hour}/playlog-x.json.tmp`];
    for (const k of passed) await putObject(server, BUCKET, k, playlog('2018-10-09 00:00:00', 5, 41));
    await putObject(server, BUCKET, `${hour}/playlog-good.json`, playlog('2018-10-09 00:00:00', 5, 42));
    const odd = source({ prefixes: ['odd/'] });
    const first = await run(odd);
    expect(first.rows).toBe(5);
    expect(first.ignored.map((i) => i.key).sort()).toEqual([...passed].sort());
    for (const i of first.ignored) expect(i.reason).toMatch(/marker|hidden|partial download/);
    expect(await count('SELECT count(*) FROM playlog WHERE pidx = 41')).toBe(0);
    expect(await count(`SELECT count(*) FROM s3_object WHERE key LIKE 'odd/%' AND imported_etag IS NOT NULL`)).toBe(1);
    const again = await run(odd);
    expect(again.ignored.map((i) => i.key).sort()).toEqual([...passed].sort());
    expect(again.rows).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowStatus } from '../../../shared/api/follow.ts';
import type { S3Source } from '../../../shared/api/s3.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { followSource, type FollowDeps } from '../../../electron/s3/follow.ts';
import { hourText, HOUR_MS } from '../../../electron/s3/followHours.ts';
import { FollowStore } from '../../../electron/s3/followStore.ts';
import { lakeImporter } from '../../../electron/s3/lakeImport.ts';
import { s3Schema } from '../../../electron/s3/schema.ts';
import { openWorkspace, type Workspace } from '../../../electron/workspace/workspace.ts';
import { putObject, startS3rver, type S3Server } from './s3server.ts';

/** Follow mode on a simulated clock: hours go by in milliseconds, so catch-up and hour turns are tested exactly. */
const BUCKET = 'clock-logs';
const T0 = Date.UTC(2030, 0, 1, 0);
let dir: string;
let server: S3Server;
let ws: Workspace;
let deps: FollowDeps;
let clock = T0;
let expected = 0;

const pad = (n: number) => String(n).padStart(2, '0');
async function writeAt(at: number, rows: number, pidx: number): Promise<void> {
  const d = new Date(at);
  const [y, m, day, h] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours())];
  const lines = Array.from({ length: rows }, (_, i) => {
    const t = new Date(at - 30_000 + i * 100).toISOString().replace('T', ' ').replace('Z', '000');
    return JSON.stringify({ posnewx: i, posnewy: 1, posnewz: 0, posoldx: i, posoldy: 1, posoldz: 0, pidx, idx: i, action: 1, createdate: t });
  });
  await putObject(server, BUCKET, `playlog/${y}/${m}/${day}/${h}/playlog-1-${y}-${m}-${day}-${h}-00-00-${randomUUID()}`, lines.join('\n') + '\n');
  expected += rows;
}
const count = async () => Number((await ws.db.runAndReadAll('SELECT count(*) FROM playlog')).getRows()[0][0]);
const source: () => S3Source = () => ({
  name: 'clock',
  bucket: BUCKET,
  prefixes: ['playlog/'],
  endpoint: server.endpoint,
  from: hourText(T0),
  to: hourText(T0),
});

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-follow-clock-'));
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_EC2_METADATA_DISABLED: 'true' });
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  ws = await openWorkspace(join(dir, 'ws.duckdb'), [lakeSchema, s3Schema]);
  deps = { db: await ws.connect(), cacheDir: join(ws.dataDir, 's3'), importer: lakeImporter(ws), now: () => clock };
}, 60_000);

afterAll(async () => {
  deps?.db.closeSync();
  ws?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function followUntil(done: () => Promise<boolean>, opts: { everyMs: number; onTick?: () => void; statuses?: FollowStatus[] }) {
  const stop = new AbortController();
  const ticks: number[] = [];
  const following = followSource(
    deps,
    source(),
    { everyMs: opts.everyMs, onStatus: (s) => opts.statuses?.push(s), onTick: (t) => (ticks.push(t.listings), opts.onTick?.()) },
    { signal: stop.signal, progress() {} },
  );
  const end = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
  stop.abort();
  return { summary: await following, ticks };
}

describe('follow on a simulated clock', () => {
  it('a laptop closed for hours catches up from its watermark, past the source range, each hour listed once', async () => {
    await writeAt(T0 + 10 * 60_000, 10, 1); // the synced range's hour
    for (let h = 1; h <= 4; h++) await writeAt(T0 + h * HOUR_MS + 20 * 60_000, 10, 1 + h);
    clock = T0 + 4 * HOUR_MS + 30 * 60_000;
    const statuses: FollowStatus[] = [];
    const { summary, ticks } = await followUntil(async () => (await count()) === expected && statuses.some((s) => s.state === 'caught-up'), {
      everyMs: 50,
      statuses,
    });
    expect(ticks[0]).toBe(5); // the synced hour … the current hour
    expect(ticks.slice(1).every((n) => n === 2)).toBe(true);
    expect(statuses[0].state).toBe('catching-up');
    expect(summary).toMatchObject({ objects: 5, rows: 50, watermark: hourText(T0 + 3 * HOUR_MS) });
    expect(await new FollowStore(deps.db).watermark('clock')).toBe(hourText(T0 + 3 * HOUR_MS));
  });

  it('follows a simulated hour at a fast interval: every minute object once, hour turns included, memory flat', async () => {
    let tick = 0;
    const writes: Promise<void>[] = [];
    const heap: number[] = [];
    // One Firehose object per simulated minute (its 60 s buffer), written at the clock's hour.
    const { summary } = await followUntil(async () => tick >= 70 && (await Promise.all(writes), (await count()) === expected), {
      everyMs: 20,
      onTick: () => {
        tick++;
        if (tick === 10 || tick === 70) {
          gc();
          heap.push(process.memoryUsage().heapUsed);
        }
        if (tick > 70) return;
        clock += 60_000;
        writes.push(writeAt(clock, 200, 10 + (tick % 7)));
      },
    });
    expect(await count()).toBe(expected);
    expect(summary.objects).toBe(70);
    const objects = Number((await ws.db.runAndReadAll(`SELECT count(*) FROM s3_object WHERE bucket = '${BUCKET}'`)).getRows()[0][0]);
    expect(objects).toBe(75);
    // 60 simulated minutes later the JS heap holds no more than a little bookkeeping (the rows live in DuckDB).
    expect(heap[1] - heap[0]).toBeLessThan(16 * 1024 * 1024);
    console.log(`follow: heap ${(heap[0] / 1048576).toFixed(1)} MB at tick 10, ${(heap[1] / 1048576).toFixed(1)} MB at tick 70`);
  }, 120_000);
});

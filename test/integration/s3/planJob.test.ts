import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { S3Plan, S3Source, S3SyncSummary } from '../../../shared/api/s3.ts';
import { createApp, type App } from '../../../electron/api/app.ts';
import type { CliIO } from '../../../electron/cli/command.ts';
import { syncCommand } from '../../../electron/cli/commands/sync.ts';
import { putObject, startFaultProxy, startS3rver, type FaultProxy, type S3Server } from './s3server.ts';

/** s3.plan is a job like s3.sync: progress per listed prefix, cancel that stops a slow listing at once. */
const BUCKET = 'plan-logs';
const HOURS = ['01', '05', '11', '17', '23'];
const PREFIXES = 2 * (23 + 23);
let dir: string;
let server: S3Server;
let proxy: FaultProxy;
let app: App;
const saved = { ...process.env };

// Two days short of whole ones, so each hour is its own prefix: 23 + 22 hours and the hour after, per stream.
const source = (over: Partial<S3Source> = {}): S3Source => ({
  name: 'two-days',
  bucket: BUCKET,
  prefixes: ['playlog/', 'userlog/'],
  endpoint: proxy.endpoint,
  from: '2018-10-09T01',
  to: '2018-10-10T21',
  ...over,
});
const play = (hour: string) =>
  JSON.stringify({
    posnewx: 1,
    posnewy: 2,
    posnewz: 0,
    posoldx: 1,
    posoldy: 2,
    posoldz: 0,
    pidx: 7,
    idx: 1,
    action: 0,
    createdate: `2018-10-09 ${hour}:10:00.000000`,
  }) + '\n';

async function call<T>(method: string, req: unknown): Promise<T> {
  const env = await app.router.call(method, req);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}

/** Every event of one job, in order. */
function recordJob(): { events: JobInfo[]; forJob(id: string): JobInfo[]; stop(): void } {
  const events: JobInfo[] = [];
  const stop = app.services.events.subscribe((event, payload) => event === 'job' && events.push(payload as JobInfo));
  return { events, forJob: (id) => events.filter((e) => e.id === id), stop };
}

const ledgerRows = async () => Number((await app.services.ws.db.runAndReadAll('SELECT count(*) FROM s3_object')).getRows()[0][0]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-s3-plan-'));
  process.env.REDZONE_USER_DATA ??= join(dir, 'user-data');
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  proxy = await startFaultProxy(server.endpoint);
  for (const h of HOURS) await putObject(server, BUCKET, `playlog/2018/10/09/${h}/playlog-1-2018-10-09-${h}-00-00-a`, play(h));
  app = await createApp(join(dir, 'ws.duckdb'), () => {});
}, 60_000);

afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

describe('s3.plan as a job', () => {
  it('reports prefixes listed and objects found, and ends with the plan as its result', async () => {
    const rec = recordJob();
    const job = await call<JobInfo<S3Plan>>('s3.plan', { source: source() });
    expect(job).toMatchObject({ kind: 's3.plan', state: 'running' });
    const ended = (await app.services.jobs.wait(job.id)) as JobInfo<S3Plan>;
    rec.stop();
    expect(ended.state, ended.error?.message).toBe('done');
    expect(ended.result!.listedPrefixes).toHaveLength(PREFIXES);
    expect(ended.result!.totals.new.objects).toBe(HOURS.length);
    // Reachable afterwards, as a sync's summary is.
    expect((await call<JobInfo<S3Plan>>('jobs.get', { id: job.id })).result).toEqual(ended.result);
    const listing = rec.forJob(job.id).filter((e) => e.progress.unit === 'prefixes');
    expect(listing.length).toBeGreaterThan(1);
    expect(listing.every((e) => e.progress.total === PREFIXES)).toBe(true);
    expect(listing.at(-1)!.progress.message).toMatch(/objects so far$/);
    const done = listing.map((e) => e.progress.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(ended.progress).toMatchObject({ done: PREFIXES, total: PREFIXES, message: `listing s3://${BUCKET}: ${HOURS.length} objects so far` });
  });

  it('cancel stops a slow listing at once with CANCELLED, and leaves the workspace as it was', async () => {
    // Sync the first day so the ledger has something to keep.
    const first = await call<JobInfo<S3SyncSummary>>('s3.sync', { source: source({ to: '2018-10-09T23' }) });
    expect((await app.services.jobs.wait(first.id)).state).toBe('done');
    const before = await ledgerRows();
    expect(before).toBe(HOURS.length);

    proxy.delayListings(1_500); // each page takes 1.5 s: the whole listing would take ~35 s
    try {
      const rec = recordJob();
      const job = await call<JobInfo<S3Plan>>('s3.plan', { source: source() });
      await expect
        .poll(() => rec.forJob(job.id).some((e) => e.progress.unit === 'prefixes' && e.progress.done >= 4), { timeout: 20_000, interval: 50 })
        .toBe(true);
      const asked = performance.now();
      expect(await call<{ cancelled: boolean }>('jobs.cancel', { id: job.id })).toEqual({ cancelled: true });
      const ended = await app.services.jobs.wait(job.id);
      const tookMs = performance.now() - asked;
      rec.stop();
      expect(ended.state).toBe('cancelled');
      expect(ended.error?.code).toBe('CANCELLED');
      expect(ended.result).toBeUndefined();
      expect(tookMs).toBeLessThan(1_000); // the page requests in flight are aborted, not waited for
      expect(await ledgerRows()).toBe(before);
    } finally {
      proxy.delayListings(0);
    }
    // The workspace is usable as before: the same range plans again, day one unchanged.
    const again = await call<JobInfo<S3Plan>>('s3.plan', { source: source() });
    const plan = (await app.services.jobs.wait(again.id)).result as S3Plan;
    expect(plan.totals.unchanged.objects).toBe(HOURS.length);
  }, 60_000);

  it("sync --dry-run --json prints the job's plan as one JSON object, as before the plan was a job", async () => {
    const stdout: string[] = [];
    const io: CliIO = { out: (t) => stdout.push(t), err: () => {} };
    const s = source({ name: 'cli' });
    const args = [
      '--workspace',
      join(dir, 'cli.duckdb'),
      '--bucket',
      BUCKET,
      '--prefix',
      'playlog/,userlog/',
      '--from',
      s.from,
      '--to',
      s.to,
      '--endpoint',
      proxy.endpoint!,
      '--dry-run',
      '--json',
    ];
    expect(await syncCommand.run(args, io)).toBe(0);
    expect(stdout).toHaveLength(1);
    const printed = JSON.parse(stdout[0]) as S3Plan;
    // The same object s3.plan's job ends with, for the same source on an empty workspace.
    const fresh = await createApp(join(dir, 'other.duckdb'), () => {});
    try {
      const job = (await fresh.router.call('s3.plan', { source: s })) as { ok: true; value: JobInfo<S3Plan> };
      expect(printed).toEqual((await fresh.services.jobs.wait(job.value.id)).result);
    } finally {
      await fresh.close();
    }
    expect(Object.keys(printed)).toEqual(['source', 'listedPrefixes', 'objects', 'totals']);
    expect(printed.totals.new.objects).toBe(HOURS.length);
  });
});

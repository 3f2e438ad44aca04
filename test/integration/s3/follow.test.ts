import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowStatus } from '../../../shared/api/follow.ts';
import type { InboxItem, InboxNotice } from '../../../shared/api/inbox.ts';
import type { JobInfo } from '../../../shared/api/jobs.ts';
import type { LiveScoring } from '../../../shared/api/live.ts';
import type { S3Source } from '../../../shared/api/s3.ts';
import { createApp, type App } from '../../../electron/api/app.ts';
import { hourText } from '../../../electron/s3/followHours.ts';
import { putObject, startFaultProxy, startS3rver, type FaultProxy, type S3Server } from './s3server.ts';

/**
 * Follow mode end to end, through the API with the real clock: a writer adds Firehose objects to the
 * current hour while the follower runs at a 200 ms interval; the S3 server is killed and restarted;
 * credentials expire.
 */
const BUCKET = 'live-logs';
const EVERY = 200;
const HOUR = 3_600_000;
let dir: string;
let server: S3Server;
let proxy: FaultProxy;
let app: App;
const notices: InboxNotice[] = [];
const statuses: FollowStatus[] = [];
const saved = { ...process.env };
const written: string[] = [];
let expectedRows = 0;

const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;
const pad = (n: number) => String(n).padStart(2, '0');
function keyFor(hour: number): string {
  const d = new Date(hour);
  const [y, m, day, h] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours())];
  return `playlog/${y}/${m}/${day}/${h}/playlog-1-${y}-${m}-${day}-${h}-00-00-${randomUUID()}`;
}
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000');

/** Normal players walk slowly about x 100–300, y 500–700; the cheater stands in the red zone (x 1000–1200, y 0–400). */
function rows(hour: number, players: number[], perPlayer: number, cheater = false): string {
  const lines: string[] = [];
  for (const pidx of players) {
    for (let i = 0; i < perPlayer; i++) {
      const x = cheater ? 1100 + (i % 7) : 100 + ((pidx * 37 + i * 3) % 200);
      const y = cheater ? 200 + (i % 5) : 500 + ((pidx * 53 + i * 2) % 200);
      lines.push(
        JSON.stringify({
          posnewx: x,
          posnewy: y,
          posnewz: 0,
          posoldx: x - 1,
          posoldy: y,
          posoldz: 0,
          pidx,
          idx: i,
          action: 1,
          createdate: stamp(hour + 60_000 + i * 1000),
        }),
      );
    }
  }
  return lines.join('\n') + '\n';
}

async function write(hour: number, players: number[], perPlayer: number, cheater = false): Promise<string> {
  const key = keyFor(hour);
  await putObject(server, BUCKET, key, rows(hour, players, perPlayer, cheater));
  written.push(key);
  expectedRows += players.length * perPlayer;
  return key;
}

async function call<T>(method: string, req: unknown = {}): Promise<T> {
  const r = await app.router.call(method, req);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
const count = async (sql: string) => Number((await app.services.ws.db.runAndReadAll(sql)).getRows()[0][0]);
const status = async (name: string) => (await call<FollowStatus[]>('s3.followStatus')).find((s) => s.source === name)!;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const objectGets = () => proxy.seen.filter((s) => s.startsWith('GET') && !s.includes('list-type'));
const listings = () => proxy.seen.filter((s) => s.includes('list-type')).length;

const now = Date.now();
const current = hourOf(now);
const source = (over: Partial<S3Source> = {}): S3Source => ({
  name: 'live',
  bucket: BUCKET,
  prefixes: ['playlog/'],
  endpoint: proxy.endpoint,
  from: hourText(current - 2 * HOUR),
  to: hourText(current - 2 * HOUR),
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-follow-'));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  });
  await writeFile(join(dir, 'credentials'), '');
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  proxy = await startFaultProxy(server.endpoint);
  // The batch the analyst synced and scored two hours ago: 20 normal players.
  await write(
    current - 2 * HOUR,
    Array.from({ length: 20 }, (_, i) => i + 1),
    60,
  );
  app = await createApp(join(dir, 'ws.duckdb'), () => {});
  app.services.events.subscribe((event, payload) => {
    if (event === 'inbox') notices.push(payload as InboxNotice);
    if (event === 'follow') statuses.push(payload as FollowStatus);
  });
  await call('s3.saveSource', source());
  const sync = await call<JobInfo>('s3.sync', { name: 'live' });
  expect((await app.services.jobs.wait(sync.id)).state).toBe('done');
  const score = await call<JobInfo>('scoring.start', { features: 'points', trees: 50, samples: 128 });
  expect((await app.services.jobs.wait(score.id)).state).toBe('done');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
  process.env = saved;
});

describe('follow mode', () => {
  let followJob: JobInfo;

  it('starts from the last synced hour, catches up, and imports each new object within two intervals', async () => {
    expect(await count('SELECT count(*) FROM playlog')).toBe(expectedRows);
    followJob = await call<JobInfo>('s3.follow', { name: 'live', everyMs: EVERY, noticeGapMs: 0 });
    await until('caught up', async () => (await status('live'))?.state === 'caught-up' && (await status('live')).ticks >= 2);
    // The first tick listed the synced hour, the one after and the current one; then the previous and current.
    expect(statuses.some((s) => s.state === 'catching-up')).toBe(true);
    expect((await status('live')).watermark).toBe(hourText(current - HOUR));
    expect((await status('live')).lastListings).toBe(2);

    for (let i = 0; i < 3; i++) {
      const hour = i === 0 ? current - HOUR : current; // a late object for the previous hour, then this hour's
      const ticksBefore = (await status('live')).ticks;
      await write(hour, [100 + i, 200 + i], 40);
      await until('the new rows', async () => (await count('SELECT count(*) FROM playlog')) === expectedRows);
      expect((await status('live')).ticks - ticksBefore).toBeLessThanOrEqual(2);
    }
    // New rows are scored with the batch run's saved forest, not a new run.
    expect(await count('SELECT count(*) FROM rz_score_run')).toBe(1);
    const live = await until('live scores', async () => {
      const l = await call<LiveScoring>('scoring.live', {});
      return l.liveRows === 3 * 80 && l;
    });
    expect(live.trainRows).toBe(20 * 60);
    expect(await count('SELECT count(*) FROM rz_score')).toBe(expectedRows);
  });

  it('flags and announces a cheater who starts mid-way, once', async () => {
    await write(current, [999], 30, true);
    const items = await until('the cheater in the inbox', async () => {
      const list = await call<InboxItem[]>('inbox.list', { kind: 'player' });
      return list.some((i) => i.ref === '999') && list;
    });
    await sleep(EVERY * 4); // more ticks: nothing is announced twice
    const again = await call<InboxItem[]>('inbox.list', { kind: 'player' });
    expect(again.filter((i) => i.ref === '999')).toHaveLength(1);
    expect(new Set(again.map((i) => i.ref)).size).toBe(again.length);
    expect(items.find((i) => i.ref === '999')!.detail).toMatch(/rules|both/);
    // Scored in the same run by its saved player forest, and no tick paused on the way.
    expect(await count('SELECT count(*) FROM rz_player_run WHERE pidx = 999 AND score IS NOT NULL AND run_id = (SELECT max(run_id) FROM rz_score_run)')).toBe(
      1,
    );
    expect(statuses.filter((s) => s.state === 'paused')).toEqual([]);
    const about = notices.filter((n) => n.target.ref === '999' || n.body.includes('999'));
    expect(about).toHaveLength(1);
    expect((await call<{ player: number }>('inbox.counts')).player).toBe(again.length);
    expect((await call<{ player: number }>('inbox.markSeen', { kind: 'player' })).player).toBe(0);
  });

  it('an unchanged tick lists each watched prefix-hour once and downloads nothing', async () => {
    await until('caught up', async () => (await status('live')).state === 'caught-up');
    proxy.seen.length = 0;
    const before = (await status('live')).ticks;
    await until('three quiet ticks', async () => (await status('live')).ticks - before >= 3);
    const ticks = (await status('live')).ticks - before;
    expect(objectGets()).toEqual([]);
    // Two watched hours × one prefix; a tick may be in flight at either end.
    expect(listings()).toBeGreaterThanOrEqual(2 * (ticks - 1));
    expect(listings()).toBeLessThanOrEqual(2 * (ticks + 1));
  });

  it('pauses while the S3 server is down, resumes by itself, and loses nothing', async () => {
    statuses.length = 0;
    const key = await write(current, [300, 301], 25);
    await server.stop();
    await until('paused', async () => statuses.some((s) => s.state === 'paused'));
    await sleep(EVERY * 3);
    const paused = statuses.filter((s) => s.state === 'paused');
    expect(paused).toHaveLength(1); // one clear status, not one per retry
    expect(paused[0].pausedBy).toBe('network');
    expect(paused[0].message).toMatch(/Cannot reach S3/);
    server = await startS3rver(join(dir, 'server'), [BUCKET]);
    proxy.retarget(server.endpoint);
    await write(current, [302], 25);
    await until(
      'caught up after the outage',
      async () => (await count('SELECT count(*) FROM playlog')) === expectedRows && (await status('live')).state === 'caught-up',
    );
    expect(objectGets().filter((g) => g.includes(key.split('/').pop()!)).length).toBeLessThanOrEqual(1);
  }, 60_000);

  it('downloaded every object exactly once over the whole follow', async () => {
    // The proxy's log was cleared once above, so count from the ledger: one download recorded per object.
    expect(await count(`SELECT count(*) FROM s3_object WHERE bucket = '${BUCKET}'`)).toBe(written.length);
    expect(await count(`SELECT count(*) FROM lake_file WHERE status = 'loaded'`)).toBe(written.length);
    expect(await count('SELECT count(*) FROM playlog')).toBe(expectedRows);
    expect(await count('SELECT count(*) FROM rz_score')).toBe(expectedRows);
  });

  it('expired credentials give one clear status, and following resumes after a refresh', async () => {
    expect((await call<{ stopped: boolean }>('s3.unfollow', { name: 'live' })).stopped).toBe(true);
    expect((await app.services.jobs.wait(followJob.id)).state).toBe('done');
    const mode = join(dir, 'cred-mode');
    await writeFile(mode, 'expired');
    const script = join(dir, 'cred.mjs');
    await writeFile(
      script,
      `import { readFileSync } from 'node:fs';
const expired = readFileSync(${JSON.stringify(mode)}, 'utf8').trim() === 'expired';
process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'S3RVER', SecretAccessKey: 'S3RVER', Expiration: new Date(Date.now() + (expired ? -3600e3 : 3600e3)).toISOString() }));`,
    );
    await writeFile(join(dir, 'config'), `[profile stale]\nregion = us-east-1\ncredential_process = ${process.execPath} ${script}\n`);
    await call('s3.saveSource', source({ profile: 'stale' }));
    statuses.length = 0;
    const job = await call<JobInfo>('s3.follow', { name: 'live', everyMs: EVERY, noticeGapMs: 0 });
    await until('paused', async () => statuses.some((s) => s.state === 'paused'));
    await sleep(EVERY * 4);
    const paused = statuses.filter((s) => s.state === 'paused');
    expect(paused).toHaveLength(1);
    expect(paused[0].pausedBy).toBe('credentials');
    expect(paused[0].message).toMatch(/have expired/);
    await writeFile(mode, 'fresh');
    await write(current, [400], 20);
    await until('resumed', async () => (await count('SELECT count(*) FROM playlog')) === expectedRows, 30_000);
    await call('s3.unfollow', { name: 'live' });
    expect((await app.services.jobs.wait(job.id)).state).toBe('done');
  }, 60_000);
});

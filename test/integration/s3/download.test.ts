import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type S3Connection } from '../../../electron/s3/client.ts';
import { downloadObject, partPath } from '../../../electron/s3/download.ts';
import { listObjects } from '../../../electron/s3/listing.ts';
import { listingPrefixes, parseHourRange } from '../../../electron/s3/hours.ts';
import { putObject, startFaultProxy, startS3rver, type FaultProxy, type S3Server } from './s3server.ts';

const BUCKET = 'dl-bucket';
let dir: string;
let server: S3Server;
let proxy: FaultProxy;
let conn: S3Connection;
/** A short idle timeout only where the test wants one: under load a normal request may idle that long. */
let impatient: S3Connection;
const body = randomBytes(300_000);
let etag: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-s3-dl-'));
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
  proxy = await startFaultProxy(server.endpoint);
  etag = await putObject(server, BUCKET, 'playlog/2018/10/09/00/blob.bin', body);
  const source = { name: 't', bucket: BUCKET, prefixes: ['playlog/'], endpoint: proxy.endpoint, from: '2018-10-09T00', to: '2018-10-09T00' };
  conn = await connect(source, { maxAttempts: 4, idleTimeoutMs: 10_000 });
  impatient = await connect(source, { maxAttempts: 4, idleTimeoutMs: 500 });
}, 30_000);

afterAll(async () => {
  conn?.close();
  impatient?.close();
  await proxy?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const target = () => ({ bucket: BUCKET, key: 'playlog/2018/10/09/00/blob.bin', size: body.length, etag });
const deps = (signal = new AbortController().signal) => ({ client: conn.client, retry: conn.retry, signal });
let n = 0;
const dest = () => join(dir, 'cache', `out-${++n}.bin`);

describe('downloadObject', () => {
  it('writes a .part, checks size and MD5, then renames it into place', async () => {
    const path = dest();
    const r = await downloadObject(deps(), target(), path);
    expect(r).toEqual({ transferred: body.length, resumedFrom: 0 });
    expect(
      createHash('md5')
        .update(await readFile(path))
        .digest('hex'),
    ).toBe(etag);
    expect(existsSync(partPath(path))).toBe(false);
  });

  it('resumes an interrupted .part with Range + If-Match', async () => {
    const path = dest();
    await writeFile(partPath(path), body.subarray(0, 100_000));
    proxy.seen.length = 0;
    const r = await downloadObject(deps(), target(), path);
    expect(r).toEqual({ transferred: body.length - 100_000, resumedFrom: 100_000 });
    expect((await readFile(path)).equals(body)).toBe(true);
    expect(proxy.seen.some((s) => s.endsWith('bytes=100000-'))).toBe(true);
  });

  it('throws away a .part of other bytes (MD5 mismatch) and fetches the object again', async () => {
    const path = dest();
    await writeFile(partPath(path), randomBytes(100_000));
    await downloadObject(deps(), target(), path);
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it('retries 500, 503 SlowDown and a response slower than the idle timeout', async () => {
    const path = dest();
    proxy.inject('blob.bin', { status: 500 }, { status: 503 }, { delayMs: 2_500 });
    proxy.seen.length = 0;
    await downloadObject({ client: impatient.client, retry: impatient.retry, signal: new AbortController().signal }, target(), path);
    expect((await readFile(path)).equals(body)).toBe(true);
    expect(proxy.seen.filter((s) => s.includes('blob.bin')).length).toBe(4);
  });

  it('resumes after truncated bodies and never keeps a short file', async () => {
    const path = dest();
    proxy.inject('blob.bin', { truncateAfter: 50_000 }, { truncateAfter: 70_000 });
    const r = await downloadObject(deps(), target(), path);
    expect(r.transferred).toBe(body.length);
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it('gives up with a clear error once retries are spent, leaving only the .part', async () => {
    const path = dest();
    proxy.inject('blob.bin', ...Array.from({ length: 4 }, () => ({ truncateAfter: 10_000 })));
    await expect(downloadObject(deps(), target(), path)).rejects.toThrow(/blob\.bin: the connection broke during the body .*gave up after retries/);
    expect(existsSync(path)).toBe(false);
    // Each broken body left what reached the disk before the break (at most 10,000 bytes) in the .part;
    // how much did is a matter of socket timing, so only the bound is certain.
    const kept = existsSync(partPath(path)) ? (await readFile(partPath(path))).length : 0;
    expect(kept).toBeLessThanOrEqual(40_000);
    // The next run picks up from the .part.
    const r = await downloadObject(deps(), target(), path);
    expect(r).toEqual({ transferred: body.length - kept, resumedFrom: kept });
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it('stops when cancelled', async () => {
    const path = dest();
    const ac = new AbortController();
    proxy.inject('blob.bin', { delayMs: 300 });
    setTimeout(() => ac.abort(), 50);
    await expect(downloadObject(deps(ac.signal), target(), path)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(path)).toBe(false);
  });
});

describe('listObjects', () => {
  it('pages past 1,000 keys and lists only the range plus the hour after', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 1_050; i++) keys.push(`userlog/2018/10/10/05/many-${String(i).padStart(4, '0')}`);
    keys.push('userlog/2018/10/10/06/late-arrival', 'userlog/2018/10/10/07/too-late', 'userlog/2018/10/10/04/too-early');
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => putObject(server, BUCKET, k, 'x')));
    const prefixes = listingPrefixes(['userlog/'], parseHourRange('2018-10-10T05', '2018-10-10T05'));
    expect(prefixes).toEqual(['userlog/2018/10/10/05/', 'userlog/2018/10/10/06/']);
    proxy.seen.length = 0;
    const listed = await listObjects(conn.client, BUCKET, prefixes, new AbortController().signal);
    expect(listed.length).toBe(1_051);
    expect(listed.at(-1)!.key).toBe('userlog/2018/10/10/06/late-arrival');
    expect(listed[0]).toMatchObject({ size: 1, etag: createHash('md5').update('x').digest('hex') });
    expect(proxy.seen.filter((s) => s.includes('list-type=2')).length).toBe(3); // two pages + one
  }, 30_000);
});

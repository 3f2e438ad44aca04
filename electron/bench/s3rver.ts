/**
 * A real S3 server on 127.0.0.1 for the benches and the tests: s3rver in a child process (started with
 * --openssl-legacy-provider so paginated listings work), path-style, with s3rver's static keys.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { forEachBounded } from '../s3/pool.ts';

export const S3RVER_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const SCRIPT = fileURLToPath(new URL('./s3rverProcess.mjs', import.meta.url));

export interface S3Server {
  endpoint: string;
  port: number;
  /** A client with static keys for seeding; checksums only when required (s3rver stores chunk framing otherwise). */
  client: S3Client;
  stop(): Promise<void>;
}

export async function startS3rver(directory: string, buckets: string[], port = 0): Promise<S3Server> {
  mkdirSync(directory, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', SCRIPT, directory, String(port), ...buckets], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`s3rver exited with ${code}`))),
    new Promise<string>((_, reject) => setTimeout(() => reject(new Error('s3rver did not start in 15 s')), 15_000).unref()),
  ]);
  const bound = (JSON.parse(line) as { port: number }).port;
  const endpoint = `http://127.0.0.1:${bound}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3RVER_KEYS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let stopped = false;
  return {
    endpoint,
    port: bound,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function putObject(server: S3Server, bucket: string, key: string, body: Buffer | string): Promise<string> {
  const r = await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return (r.ETag ?? '').replaceAll('"', '');
}

/** A generated lake's play-log and user-log objects as S3 keys, their bytes and the hour range they span. */
export interface LakeObjects {
  files: string[];
  keys: string[];
  bytes: number;
  from: string;
  to: string;
}

export async function lakeObjects(lake: string): Promise<LakeObjects> {
  const entries = await readdir(lake, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => /^(playlog|userlog)[\\/]/.test(relative(lake, f)))
    .sort();
  const keys = files.map((f) => relative(lake, f).split('\\').join('/'));
  const bytes = (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);
  const hours = keys
    .map((k) => /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(k))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}-${m[2]}-${m[3]}T${m[4]}`)
    .sort();
  return { files, keys, bytes, from: hours[0], to: hours.at(-1)! };
}

/** Puts every object of the lake into the bucket under its lake-relative key. */
export async function putLake(server: S3Server, bucket: string, lake: LakeObjects, concurrency = 8): Promise<void> {
  const paths = lake.files.map((f, i) => [f, lake.keys[i]] as const);
  await forEachBounded(paths, concurrency, new AbortController().signal, async ([file, key]) => {
    await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: (await stat(file)).size }));
  });
}

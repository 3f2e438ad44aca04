import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect } from '../s3/client.ts';
import { forEachBounded } from '../s3/pool.ts';
import type { S3Source } from '../../shared/api/s3.ts';

/**
 * The yardstick for a sync: parallel GetObject calls writing each object to `out`, nothing else (no
 * listing, planning, verification or ledger). Returns the wall time in milliseconds.
 */
export async function plainGetObjects(source: S3Source, keys: readonly string[], out: string, concurrency: number): Promise<number> {
  const conn = await connect(source, { concurrency });
  try {
    const t = performance.now();
    await forEachBounded(keys, concurrency, new AbortController().signal, async (key) => {
      const r = await conn.client.send(new GetObjectCommand({ Bucket: source.bucket, Key: key }));
      const path = join(out, key);
      await mkdir(dirname(path), { recursive: true });
      await pipeline(r.Body as Readable, createWriteStream(path));
    });
    return performance.now() - t;
  } finally {
    conn.close();
  }
}

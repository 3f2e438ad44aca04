import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { throwIfCancelled } from '../api/jobs.ts';
import { bareEtag } from './etag.ts';
import { forEachBounded } from './pool.ts';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

const LIST_CONCURRENCY = 4;

/** Lists every object under the given prefixes (ListObjectsV2 pages of 1,000), sorted by key. */
export async function listObjects(client: S3Client, bucket: string, prefixes: string[], signal: AbortSignal): Promise<ListedObject[]> {
  const found = new Map<string, ListedObject>();
  await forEachBounded(prefixes, LIST_CONCURRENCY, signal, async (prefix) => {
    for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
      throwIfCancelled(signal);
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue; // folder markers made by consoles
        found.set(o.Key, { key: o.Key, size: Number(o.Size ?? 0), etag: bareEtag(o.ETag), lastModified: o.LastModified ?? new Date(0) });
      }
    }
  });
  throwIfCancelled(signal);
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

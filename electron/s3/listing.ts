import type { S3Client } from '@aws-sdk/client-s3';
import { throwIfCancelled } from '../jobs/context.ts';
import { bareEtag } from './etag.ts';
import { forEachBounded } from './pool.ts';
import { s3Sdk } from './sdk.ts';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

const LIST_CONCURRENCY = 4;

export interface ListingProgress {
  prefixesDone: number;
  prefixes: number;
  /** Objects found so far. */
  objects: number;
}

/**
 * Lists every object under the given prefixes (ListObjectsV2 pages of 1,000), sorted by key. Reports
 * after every page; the signal also aborts the page request in flight, so a slow listing stops at once.
 */
export async function listObjects(
  client: S3Client,
  bucket: string,
  prefixes: string[],
  signal: AbortSignal,
  onProgress?: (p: ListingProgress) => void,
): Promise<ListedObject[]> {
  const found = new Map<string, ListedObject>();
  let prefixesDone = 0;
  const report = () => onProgress?.({ prefixesDone, prefixes: prefixes.length, objects: found.size });
  const { paginateListObjectsV2 } = await s3Sdk();
  await forEachBounded(prefixes, LIST_CONCURRENCY, signal, async (prefix) => {
    for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix }, { abortSignal: signal })) {
      throwIfCancelled(signal);
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue; // folder markers made by consoles
        found.set(o.Key, { key: o.Key, size: Number(o.Size ?? 0), etag: bareEtag(o.ETag), lastModified: o.LastModified ?? new Date(0) });
      }
      report();
    }
    prefixesDone++;
    report();
  });
  throwIfCancelled(signal);
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

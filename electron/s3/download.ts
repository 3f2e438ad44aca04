import type { S3Client } from '@aws-sdk/client-s3';
import type { StandardRetryStrategy } from '@smithy/core/retry';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { ApiError } from '../../shared/api/envelope.ts';
import { bareEtag, etagIsContentMd5 } from './etag.ts';
import { s3Sdk } from './sdk.ts';

export interface DownloadTarget {
  bucket: string;
  key: string;
  size: number;
  /** Bare ETag from the listing; the download is pinned to it with If-Match. */
  etag: string;
}

export interface DownloadDeps {
  client: S3Client;
  retry: StandardRetryStrategy;
  signal: AbortSignal;
  /** Bytes that reached the .part file (negative when a bad .part is thrown away). */
  onBytes?(delta: number): void;
}

export interface DownloadResult {
  /** Bytes received over the network for this object. */
  transferred: number;
  /** Bytes that were already in a .part file from an interrupted run. */
  resumedFrom: number;
}

/** The body broke after the request succeeded: retried by resuming (or restarting) the .part file. */
class BodyError extends Error {
  constructor(
    message: string,
    readonly restart: boolean,
  ) {
    super(message);
  }
}

export function partPath(path: string): string {
  return `${path}.part`;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: Hash, signal: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
}

/**
 * Downloads one object to `path`: bytes go to `path.part`, which is renamed into place only when its
 * size (and MD5, for single-part unencrypted objects) matches. An interrupted .part is resumed with
 * Range + If-Match; a body cut short or corrupted is retried with the SDK retry strategy's backoff.
 * Request-level failures (throttling, 5xx, timeouts before the body) are retried by the SDK itself.
 */
export async function downloadObject(deps: DownloadDeps, target: DownloadTarget, path: string): Promise<DownloadResult> {
  const part = partPath(path);
  await mkdir(dirname(path), { recursive: true });
  const resumedFrom = await sizeOf(part);
  const tally = { received: 0 };
  let token = await deps.retry.acquireInitialRetryToken(`s3-body:${target.bucket}`);
  for (;;) {
    try {
      await fetchIntoPart(deps, target, part, tally);
      deps.retry.recordSuccess(token);
      await rename(part, path);
      return { transferred: tally.received, resumedFrom };
    } catch (e) {
      if (deps.signal.aborted) throw new ApiError('CANCELLED', 'cancelled');
      if (!(e instanceof BodyError)) throw e;
      if (e.restart) await discard(deps, part);
      try {
        token = await deps.retry.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' });
      } catch {
        throw new ApiError('S3_ERROR', `s3://${target.bucket}/${target.key}: ${e.message} (gave up after retries)`);
      }
    }
  }
}

async function discard(deps: DownloadDeps, part: string): Promise<void> {
  const size = await sizeOf(part);
  await rm(part, { force: true });
  if (size) deps.onBytes?.(-size);
}

/** One attempt: appends the missing bytes to the .part file and verifies the whole; counts bytes received in tally. */
async function fetchIntoPart(deps: DownloadDeps, target: DownloadTarget, part: string, tally: { received: number }): Promise<void> {
  let have = await sizeOf(part);
  if (have > target.size) {
    await discard(deps, part);
    have = 0;
  }
  const hash = createHash('md5');
  if (have > 0) await hashFile(part, hash, deps.signal);
  let sse: { algorithm?: string; customer?: string } = {};
  if (have < target.size || target.size === 0) {
    const { GetObjectCommand } = await s3Sdk();
    const response = await deps.client.send(
      new GetObjectCommand({
        Bucket: target.bucket,
        Key: target.key,
        IfMatch: `"${target.etag}"`,
        // S3 has no whole-object checksum for a range, so the SDK only validates full reads.
        ...(have > 0 ? { Range: `bytes=${have}-` } : { ChecksumMode: 'ENABLED' as const }),
      }),
      { abortSignal: deps.signal },
    );
    sse = { algorithm: response.ServerSideEncryption, customer: response.SSECustomerAlgorithm };
    // Servers that ignore If-Match or Range must not splice two versions or repeat bytes.
    if (bareEtag(response.ETag) !== target.etag) throw new BodyError(`the object changed during download (ETag ${bareEtag(response.ETag)})`, true);
    if (have > 0 && !String(response.ContentRange ?? '').startsWith(`bytes ${have}-`)) throw new BodyError('the server ignored the Range request', true);
    await appendBody(response.Body as Readable, part, hash, deps, tally);
  }
  const size = await sizeOf(part);
  if (size < target.size) throw new BodyError(`the body ended after ${size} of ${target.size} bytes`, false);
  if (size > target.size) throw new BodyError(`the body has ${size} bytes, the listing said ${target.size}`, true);
  if (etagIsContentMd5(target.etag, sse.algorithm, sse.customer)) {
    const md5 = hash.digest('hex');
    if (md5 !== target.etag.toLowerCase()) throw new BodyError(`MD5 ${md5} does not match the ETag ${target.etag}`, true);
  }
}

async function appendBody(body: Readable, part: string, hash: Hash, deps: DownloadDeps, tally: { received: number }): Promise<void> {
  const file = await open(part, 'a');
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      hash.update(buf);
      await file.write(buf);
      tally.received += buf.length;
      deps.onBytes?.(buf.length);
    }
  } catch (e) {
    if (deps.signal.aborted) throw new ApiError('CANCELLED', 'cancelled');
    // Checksum mismatches reported by the SDK's validating stream mean the bytes are wrong, not short.
    const corrupt = /checksum/i.test((e as Error).message ?? '');
    throw new BodyError(`the connection broke during the body (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, corrupt);
  } finally {
    await file.close();
    body.destroy();
  }
}

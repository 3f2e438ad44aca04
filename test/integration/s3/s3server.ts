/**
 * The tests' S3 helpers: the real s3rver (shared with the benches, electron/bench/s3rver.ts) plus a
 * fault-injecting proxy (failed, slow or cut object GETs; slow listings).
 */
import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export { putObject, startS3rver, S3RVER_KEYS, type S3Server } from '../../../electron/bench/s3rver.ts';

/** What the proxy does to the next matching GET object requests; each fault is used once. */
export type Fault = { status: 500 | 503 } | { delayMs: number } | { truncateAfter: number } | { chunkDelayMs: number };

export interface FaultProxy {
  endpoint: string;
  /** Queues faults for GETs of keys containing `match`. */
  inject(match: string, ...faults: Fault[]): void;
  /** Requests seen, for assertions (method + path + range). */
  seen: string[];
  /** Holds every listing request this long before forwarding it (0: none): a slow link for big buckets. */
  delayListings(ms: number): void;
  /** Points the proxy at a restarted server. */
  retarget(target: string): void;
  close(): Promise<void>;
}

const ERROR_XML = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>proxy</RequestId></Error>`;

/** A small HTTP proxy in front of s3rver that fails object GETs on demand (500/503, slow, truncated bodies). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let upstream = new URL(target);
  const queue: { match: string; fault: Fault }[] = [];
  const seen: string[] = [];
  let listDelayMs = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    seen.push(`${req.method} ${path} ${req.headers.range ?? ''}`.trim());
    const i = req.method === 'GET' && !path.includes('list-type') ? queue.findIndex((q) => path.includes(q.match)) : -1;
    const fault = i >= 0 ? queue.splice(i, 1)[0].fault : undefined;
    if (fault && 'status' in fault) {
      const code = fault.status === 503 ? 'SlowDown' : 'InternalError';
      res
        .writeHead(fault.status, { 'content-type': 'application/xml' })
        .end(ERROR_XML(code, fault.status === 503 ? 'Please reduce your request rate.' : 'We encountered an internal error.'));
      req.resume();
      return;
    }
    const forward = () => {
      const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (fault && 'truncateAfter' in fault) {
          let sent = 0;
          upRes.on('data', (chunk: Buffer) => {
            if (sent >= fault.truncateAfter) return;
            const piece = chunk.subarray(0, fault.truncateAfter - sent);
            sent += piece.length;
            const cut = sent >= fault.truncateAfter;
            // Close mid-body once the piece is flushed: the client sees fewer bytes than Content-Length.
            res.write(piece, () => cut && res.socket?.end());
            if (cut) upRes.destroy();
          });
          return;
        }
        if (fault && 'chunkDelayMs' in fault) {
          // A slow link: each chunk waits, so a test can act while the body is still flowing.
          upRes.on('data', (chunk: Buffer) => {
            upRes.pause();
            setTimeout(() => res.write(chunk, () => upRes.resume()), fault.chunkDelayMs);
          });
          upRes.on('end', () => res.end());
          upRes.on('error', () => res.destroy());
          upRes.on('aborted', () => res.destroy());
          return;
        }
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    const delay = fault && 'delayMs' in fault ? fault.delayMs : path.includes('list-type') ? listDelayMs : 0;
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (match, ...faults) => queue.push(...faults.map((fault) => ({ match, fault }))),
    seen,
    delayListings: (ms) => {
      listDelayMs = ms;
    },
    retarget: (t) => {
      upstream = new URL(t);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { encodeFrame } from '../../shared/api/wire.ts';
import type { EventBus } from '../jobs/events.ts';
import type { Router } from './router.ts';

export interface BrowserModeOptions {
  router: Router;
  events: EventBus;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  /** Folders whose files may be downloaded by name (exports). */
  downloadDirs: () => string[];
  port?: number;
  token?: string;
}

export interface BrowserModeServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

/** The session cookie is named for the port: cookies ignore ports, so one name would log other instances out. */
export const cookieName = (port: number) => `rz_token_${port}`;
/** Where index.html carries the token to the page (never in the URL after the first visit). */
export const TOKEN_META = 'redzone-token';
const MAX_BODY = 16 * 1024 * 1024;

/** The same CSP as the Electron window: no eval, no remote anything. Plotly needs inline styles only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const m = new RegExp(`(?:^|;\\s*)${cookieName(port)}=([^;]+)`).exec(req.headers.cookie ?? '');
  return m?.[1];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function refuse(res: ServerResponse, why: string) {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`403 Forbidden: ${why}\n`);
}

/**
 * Browser mode: the built renderer and the router over HTTP on 127.0.0.1 only. Every request must come
 * to a loopback Host (DNS rebinding), from no Origin or our own (CSRF), and carry the per-launch token:
 * API calls in a header, page loads as the cookie set when the printed URL is first opened.
 */
export async function startBrowserMode(opts: BrowserModeOptions): Promise<BrowserModeServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const server = createServer(async (req, res) => {
    // The token must not leave in a Referer (it was in the first URL), whatever the page links to.
    res.setHeader('referrer-policy', 'no-referrer');
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(res, 'foreign Host');
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(res, 'foreign Origin');
      const queryToken = url.searchParams.get('token') ?? undefined;
      const viaCookie = sameToken(cookieToken(req, port), token);

      if (url.pathname.startsWith('/api/')) {
        const headerToken = req.headers['x-redzone-token'];
        if (url.pathname === '/api/events') {
          if (!viaCookie && !sameToken(queryToken, token)) return refuse(res, 'missing token');
          return eventStream(req, res, opts.events);
        }
        if (!sameToken(typeof headerToken === 'string' ? headerToken : undefined, token)) return refuse(res, 'missing token');
        if (req.method !== 'POST') {
          res.writeHead(405).end();
          return;
        }
        const method = decodePath(url.pathname.slice('/api/'.length));
        const body = await readBody(req);
        let request: unknown;
        try {
          request = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch {
          request = null;
        }
        const envelope =
          request === null ? { ok: false, error: { code: 'BAD_REQUEST', message: 'the request body is not JSON' } } : await opts.router.call(method, request);
        const frame = encodeFrame(envelope, (n) => Buffer.allocUnsafeSlow(n));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': frame.byteLength, 'cache-control': 'no-store' });
        res.end(frame);
        return;
      }

      if (sameToken(queryToken, token)) {
        // First visit through the printed URL: remember the token (this instance's cookie) for pages,
        // assets and the event stream, and leave the URL at once so the token is not left in it.
        res.setHeader('set-cookie', `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
        if (!url.pathname.startsWith('/download/')) {
          url.searchParams.delete('token');
          res.writeHead(302, { location: url.pathname + url.search, 'cache-control': 'no-store' }).end();
          return;
        }
      } else if (!viaCookie) {
        return refuse(res, 'missing token (open the URL printed by `npm run web`)');
      }

      if (url.pathname.startsWith('/download/')) {
        return await download(res, decodePath(url.pathname.slice('/download/'.length)), opts.downloadDirs());
      }
      // Awaited, so its errors reach the catch below (an unawaited rejection left the request unanswered).
      return await serveStatic(res, opts.staticDir, url.pathname, token);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${status === 500 ? '' : `${status} `}${String((e as Error).message)}\n`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A %-escaped path part; a bad escape is the client's mistake (400), not ours. */
function decodePath(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new HttpError(400, 'Bad Request: the path has a malformed %-escape');
  }
}

const tooLarge = () => new HttpError(413, `Payload Too Large: a request body may be at most ${MAX_BODY / 1024 / 1024} MB`);

/**
 * The body, up to MAX_BODY. Beyond it the rest is read and dropped, so the client gets its 413 instead
 * of a connection reset while it is still sending.
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_BODY) parts.push(d);
    });
    req.on('end', () => (size > MAX_BODY ? reject(tooLarge()) : resolve(Buffer.concat(parts))));
    req.on('error', reject);
  });
}

function eventStream(req: IncomingMessage, res: ServerResponse, events: EventBus) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const unsubscribe = events.subscribe((event, payload) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

async function sendFile(res: ServerResponse, path: string, headers: Record<string, string> = {}) {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': MIME[extname(path)] ?? 'application/octet-stream',
    'content-length': info.size,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  createReadStream(path).pipe(res);
}

/** Paths are resolved under the root and refused if they climb out of it. */
function inside(root: string, relative: string): string | null {
  const full = normalize(join(root, relative));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

async function serveStatic(res: ServerResponse, root: string, pathname: string, token: string) {
  const rel = pathname === '/' ? 'index.html' : decodePath(pathname.slice(1));
  const full = inside(root, rel);
  if (!full) return refuse(res, 'path outside the app');
  if (rel === 'index.html') return sendIndex(res, full, token);
  return sendFile(res, full, rel.startsWith('assets/') ? { 'cache-control': 'public, max-age=31536000, immutable' } : { 'cache-control': 'no-store' });
}

/** index.html with the token in a meta tag: a new tab of this instance (cookie, no token in the URL) can call the API. */
async function sendIndex(res: ServerResponse, path: string, token: string) {
  const html = await readFile(path, 'utf8').catch(() => null);
  if (html === null) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const body = Buffer.from(html.replace(/<head>/i, `<head><meta name="${TOKEN_META}" content="${token}">`), 'utf8');
  res.writeHead(200, {
    'content-type': MIME['.html'],
    'content-length': body.length,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

async function download(res: ServerResponse, name: string, dirs: string[]) {
  if (name.includes('/') || name.includes('\\') || name.startsWith('.')) return refuse(res, 'bad file name');
  for (const dir of dirs) {
    const full = inside(dir, name);
    if (full && (await stat(full).catch(() => null))?.isFile()) {
      return sendFile(res, full, { 'content-disposition': `attachment; filename="${name}"` });
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

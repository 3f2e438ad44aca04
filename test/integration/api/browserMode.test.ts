import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { cookieName, startBrowserMode, TOKEN_META, type BrowserModeServer } from '../../../electron/api/http.ts';
import type { Envelope } from '../../../shared/api/envelope.ts';
import { decodeFrame } from '../../../shared/api/wire.ts';

/** Raw HTTP so the Host and Origin headers can be forged as an attacker's page would. */
function send(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser mode security', () => {
  let dir: string;
  let app: App;
  let server: BrowserModeServer;
  let host: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-http-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
    await mkdir(join(dir, 'static'));
    await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    server = await startBrowserMode({ router: app.router, events: app.services.events, staticDir: join(dir, 'static'), downloadDirs: () => [] });
    host = `127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (headers: Record<string, string>) =>
    send(server.port, {
      method: 'POST',
      path: '/api/sql.run',
      headers: { host, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ sql: 'SELECT 42 AS a', queryId: 'x', firstPage: 5 }),
    });

  it('binds to loopback only', () => {
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('answers a call with the token, as typed columns', async () => {
    const res = await call({ 'x-redzone-token': server.token, origin: `http://${host}` });
    expect(res.status).toBe(200);
    const env = decodeFrame<Envelope<{ firstPage: { columns: { values: Float64Array }[] } }>>(new Uint8Array(res.body));
    expect(env.ok && env.value.firstPage.columns[0].values).toEqual(new Float64Array([42]));
  });

  it('refuses a call without the token (403)', async () => {
    expect((await call({})).status).toBe(403);
    expect((await call({ 'x-redzone-token': 'guess' })).status).toBe(403);
  });

  it('refuses a foreign Origin even with the token (403)', async () => {
    expect((await call({ 'x-redzone-token': server.token, origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ 'x-redzone-token': server.token, origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) even with the token (403)', async () => {
    expect((await call({ 'x-redzone-token': server.token, host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await call({ 'x-redzone-token': server.token, host: `192.168.1.5:${server.port}` })).status).toBe(403);
  });

  it('serves pages only with the token, then by cookie', async () => {
    expect((await send(server.port, { path: '/', headers: { host } })).status).toBe(403);
    const first = await send(server.port, { path: `/?token=${server.token}`, headers: { host } });
    const cookie = String((first.headers['set-cookie'] as string[])[0]).split(';')[0];
    // Named for the port (issue #13, item 5): a second instance must not replace this one's cookie.
    expect(cookie).toBe(`rz_token_${server.port}=${server.token}`);
    expect(String((first.headers['set-cookie'] as string[])[0])).toMatch(/HttpOnly; SameSite=Strict/);
    // The cookie alone never authorises API calls (CSRF): those need the header.
    expect((await send(server.port, { method: 'POST', path: '/api/workspace.info', headers: { host, cookie }, body: '{}' })).status).toBe(403);
  });

  it('keeps downloads inside their folders', async () => {
    const res = await send(server.port, { path: `/download/..%2Fw.duckdb?token=${server.token}`, headers: { host } });
    expect(res.status).toBe(403);
  });

  // Issue #16: bad requests get plain answers.
  const api = (method: string, body: string) =>
    send(server.port, { method: 'POST', path: `/api/${method}`, headers: { host, 'x-redzone-token': server.token, 'content-type': 'application/json' }, body });

  it('sends Referrer-Policy: no-referrer, and leaves the token URL by a redirect', async () => {
    const first = await send(server.port, { path: `/?token=${server.token}&x=1`, headers: { host } });
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/?x=1');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    expect((await api('workspace.info', '{}')).headers['referrer-policy']).toBe('no-referrer');
  });

  it('gives a new tab (cookie, no token in the URL) a page that carries the token', async () => {
    const page = await send(server.port, { path: '/', headers: { host, cookie: `${cookieName(server.port)}=${server.token}` } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain(`<meta name="${TOKEN_META}" content="${server.token}">`);
    // Another instance's cookie is not this one's.
    expect((await send(server.port, { path: '/', headers: { host, cookie: `${cookieName(server.port + 1)}=${server.token}` } })).status).toBe(403);
  });

  it('answers 413 for an oversized body, not a connection reset', async () => {
    const res = await api('sql.run', 'x'.repeat(17 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect(res.body.toString()).toMatch(/at most 16 MB/);
  });

  it('answers 400 for a bad %-escape, not 500', async () => {
    expect((await api('sql.run%E0%A4%A', '{}')).status).toBe(400);
    expect((await send(server.port, { path: '/%E0%A4%A', headers: { host, cookie: `${cookieName(server.port)}=${server.token}` } })).status).toBe(400);
  });

  it('refuses string numbers with BAD_REQUEST before they reach SQL', async () => {
    for (const [method, body] of [
      ['investigate.flagged', { limit: '10' }],
      ['sql.history', { limit: 'x' }],
      ['lake.quarantine', { offset: '1' }],
    ] as const) {
      const env = decodeFrame<Envelope<unknown>>(new Uint8Array((await api(method, JSON.stringify(body))).body));
      expect(env).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/must be a number/) } });
    }
  });
});

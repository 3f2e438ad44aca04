import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import type { Envelope } from '../../../shared/api/envelope.ts';
import type { SqlRunResult } from '../../../shared/api/sql.ts';

const ANSWERS = ['BUSY', 'NOT_FOUND', 'CANCELLED'];

/** 100 parallel sql.run with firstPage, each result paged while another caller closes it. */
async function storm(call: (method: string, req: unknown) => Promise<Envelope<unknown>>, round: number) {
  const runs = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      call('sql.run', { sql: `SELECT range AS n, ${i} AS q FROM range(${1000 + i})`, queryId: `q${round}-${i}`, firstPage: 50 }),
    ),
  );
  const races: Promise<Envelope<unknown>>[] = [];
  for (const r of runs) {
    if (!r.ok) {
      expect(ANSWERS).toContain(r.error.code);
      continue;
    }
    const { resultId, firstPage } = r.value as SqlRunResult;
    expect(firstPage!.rowCount).toBe(50);
    races.push(call('sql.page', { resultId, offset: 100, limit: 200 }), call('sql.close', { resultId }), call('sql.page', { resultId, offset: 0, limit: 10 }));
  }
  for (const r of await Promise.all(races)) if (!r.ok) expect(ANSWERS).toContain(r.error.code);
  return runs.filter((r) => r.ok).length;
}

describe('SQL console under concurrency', () => {
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-console-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'w.duckdb'), () => {});
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 100 parallel runs with pages racing close, 20 times in a row', async () => {
    let answered = 0;
    for (let round = 0; round < 20; round++) answered += await storm((m, r) => app.router.call(m, r), round);
    expect(answered).toBeGreaterThan(20 * 4); // at least the running slots each round got a result
    // Still healthy afterwards.
    const after = await app.router.call('sql.run', { sql: 'SELECT 42 AS x', queryId: 'after', firstPage: 1 });
    expect(after.ok).toBe(true);
  }, 120_000);

  it('says BUSY beyond the bound, with a message that says what to do', async () => {
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.router.call('sql.run', { sql: 'SELECT count(*) FROM range(3000000) a, range(3) b', queryId: `b${i}` })),
    );
    const busy = runs.filter((r) => !r.ok);
    expect(busy.length).toBeGreaterThan(0);
    const first = busy[0] as { ok: false; error: { code: string; message: string } };
    expect(first.error.code).toBe('BUSY');
    expect(first.error.message).toMatch(/running.*wait.*cancel/);
  }, 60_000);

  it('logs a cancelled query as cancelled and a failed one as failed', async () => {
    const slow = app.router.call('sql.run', { sql: 'SELECT count(*) FROM range(100000000000) a', queryId: 'slow' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.router.call('sql.cancel', { queryId: 'slow' })).toEqual({ ok: true, value: { cancelled: true } });
    const end = await slow;
    expect(!end.ok && end.error.code).toBe('CANCELLED');
    await app.router.call('sql.run', { sql: 'SELECT * FROM no_such_table', queryId: 'bad' });
    const history = await app.services.console.history(2);
    expect(history.map((h) => h.status)).toEqual(['failed', 'cancelled']);
  }, 60_000);
});

function post(port: number, token: string, method: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/api/${method}`, headers: { 'x-redzone-token': token, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', () => resolve(0)); // the server went away mid-request: expected after SIGTERM
    req.end(JSON.stringify(body));
  });
}

describe('SIGTERM during a query storm', () => {
  it('exits in under 2 s and releases the workspace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rz-sigterm-'));
    try {
      const child = spawn(process.execPath, [join(import.meta.dirname, 'serveChild.mjs'), join(dir, 'w.duckdb'), dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REDZONE_USER_DATA: join(dir, 'user') },
      });
      const [port, token] = await new Promise<string[]>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim().split(' ')));
        child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
      });
      const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(Date.now())));
      for (let i = 0; i < 100; i++) {
        void post(Number(port), token, 'sql.run', {
          sql: `SELECT count(*) FROM range(${10_000_000 * (1 + (i % 5))}) a, range(2) b`,
          queryId: `s${i}`,
          firstPage: 10,
        });
        void post(Number(port), token, 'sql.close', { resultId: `r${i}` });
      }
      await new Promise((r) => setTimeout(r, 500));
      const signalled = Date.now();
      child.kill('SIGTERM');
      const took = (await exited) - signalled;
      console.log(`SIGTERM during 100 running queries: exited in ${took} ms`);
      expect(took).toBeLessThan(2000);
      // The lock is released: the workspace opens again.
      const again = await createApp(join(dir, 'w.duckdb'), () => {});
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

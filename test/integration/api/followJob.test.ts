import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/api/app.ts';
import { inProcessClient } from '../../../electron/api/client.ts';
import { followJob, jobOutcome } from '../../../shared/api/followJob.ts';
import type { ApiClient } from '../../../shared/api/index.ts';
import type { ImportSummary } from '../../../shared/api/lake.ts';

describe('followJob over the real router', () => {
  let dir: string;
  let app: App;
  let client: ApiClient;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-follow-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
    app = await createApp(join(dir, 'ws.duckdb'), () => {});
    client = inProcessClient(app);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('follows an import to its result, with progress on the way', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const line = (i: number) =>
      JSON.stringify({ posnewx: i, posnewy: 2, posnewz: 0, posoldx: 1, posoldy: 2, posoldz: 0, pidx: 7, idx: i, action: 1, createdate: '2018-10-10 14:00:03' });
    await writeFile(join(logs, 'playlog.json'), [1, 2, 3].map(line).join('\n') + '\n');
    const updates: string[] = [];
    const end = await followJob<ImportSummary>(
      client,
      () => client.call('lake.import', { dir: logs }),
      (j) => updates.push(j.state),
    );
    const outcome = jobOutcome(end);
    expect(outcome).toMatchObject({ ok: true, result: { rows: 3 } });
    expect(updates.at(-1)).toBe('done');
  });

  it('a job that fails before its starting call returns ends failed, never stuck running', async () => {
    const end = await followJob(client, () => client.call('scoring.start', { query: 'SELECT x FROM no_such_table' }));
    expect(end.state).toBe('failed');
    expect(jobOutcome(end)).toMatchObject({ ok: false, cancelled: false });
  });

  it('the typed client throws the ApiError an envelope carries', async () => {
    await expect(client.call('jobs.get', { id: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('followJob ordering', () => {
  /** A transport whose events and calls the test drives by hand. */
  function scripted() {
    const listeners = new Set<(p: unknown) => void>();
    const client: ApiClient = {
      call: (async (method: string) => {
        if (method === 'jobs.get') return { id: 'j', state: 'failed', error: { code: 'IO_ERROR', message: 'gone' } };
        throw new Error(method);
      }) as ApiClient['call'],
      on: ((_e: string, l: (p: unknown) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      }) as ApiClient['on'],
    };
    const emit = (p: unknown) => listeners.forEach((l) => l(p));
    return { client, emit, listeners };
  }
  const job = (state: string) => ({ id: 'j', kind: 'k', title: 't', state, startedAt: '', progress: { done: 0, total: 0, unit: '' } }) as never;

  it('an ended event that came before the start returned wins over the stale running snapshot', async () => {
    const { client, emit, listeners } = scripted();
    const end = await followJob(client, async () => {
      emit(job('failed'));
      return job('running');
    });
    expect(end.state).toBe('failed');
    expect(listeners.size).toBe(0);
  });

  it('asks for the state once when no event comes', async () => {
    const { client } = scripted();
    const end = await followJob(client, job('running'));
    expect(end).toMatchObject({ state: 'failed', error: { code: 'IO_ERROR' } });
  });
});

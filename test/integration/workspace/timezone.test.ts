import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');

// The process's zone is fixed at start, so the workspace is opened in a child started in New York.
const CHILD = `
import { openWorkspace } from './electron/workspace/workspace.ts';
const ws = await openWorkspace(process.argv[1]);
const c = await ws.connect();
for (const conn of [ws.db, c]) {
  const [zone, now] = (await conn.runAndReadAll("SELECT current_setting('TimeZone'), epoch_ms(now()::TIMESTAMP)::DOUBLE")).getRows()[0];
  console.log(JSON.stringify({ zone, skewMs: Math.abs(Number(now) - Date.now()) }));
}
c.closeSync();
ws.close();
`;

describe('workspace time zone', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-tz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records now() as UTC wall time on every connection, whatever the machine zone', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, join(dir, 'ws.duckdb')], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'America/New_York' },
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { zone: string; skewMs: number });
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.zone).toBe('UTC');
      expect(l.skewMs).toBeLessThan(60_000); // local New York time would be hours off
    }
  });
});

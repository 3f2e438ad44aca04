import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cliProcess.ts';
import { generateDemo } from '../../../electron/lake/generate/index.ts';
import { importPath } from '../../../electron/lake/import.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { scoringSchema } from '../../../electron/scoring/schema.ts';
import { openWorkspace } from '../../../electron/workspace/workspace.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-score-kill-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], killWhen?: (stderr: string) => boolean) => runCli(join(dir, 'userdata'), args, killWhen);

describe('a scoring run killed while its scores stream into the workspace', () => {
  it('leaves no run and no scores behind, and the next run completes', async () => {
    const ws = join(dir, 'ws.duckdb');
    const w = await openWorkspace(ws, [lakeSchema, scoringSchema]);
    await generateDemo({ out: join(dir, 'data'), players: 200, rows: 300_000, days: 1, seed: 4 });
    await importPath(w, join(dir, 'data'));
    w.close();

    const args = ['score', '--workspace', ws, '--trees', '100', '--samples', '256', '--json'];
    // Killed once the first batches are written (progress past 0%), before the run commits.
    const killed = await cli(args, (err) => /scoring [1-9]\d%/.test(err));
    expect(killed.signal).toBe('SIGKILL');

    const counts = async () => {
      const again = await openWorkspace(ws, [lakeSchema, scoringSchema]);
      try {
        return (await again.db.runAndReadAll('SELECT (SELECT count(*) FROM rz_score_run)::DOUBLE, (SELECT count(*) FROM rz_score)::DOUBLE'))
          .getRows()[0]
          .map(Number);
      } finally {
        again.close();
      }
    };
    expect(await counts()).toEqual([0, 0]);

    const done = await cli(args);
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout).rows).toBe(300_000);
    expect(await counts()).toEqual([1, 300_000]);
  }, 240_000);
});

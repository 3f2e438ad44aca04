import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cliProcess.ts';
import type { ImportSummary } from '../../../shared/api/lake.ts';
import { generateDemo } from '../../../electron/lake/generate/index.ts';
import { lakeSchema } from '../../../electron/lake/schema.ts';
import { openWorkspace } from '../../../electron/workspace/workspace.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-lake-kill-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], killWhen?: (stderr: string) => boolean) => runCli(join(dir, 'userdata'), args, killWhen);

describe('an import killed mid-way', () => {
  it('leaves only whole files behind, and the next run completes with exact counts', async () => {
    const data = join(dir, 'data');
    const generated = await generateDemo({ out: data, players: 80, rows: 60_000, days: 1, seed: 9 });
    // One bad line per play-log object sends every object down the careful path: one commit each.
    const files = (await readdir(join(data, 'playlog'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    for (const f of files) await appendFile(join(f.parentPath, f.name), '{"posnewx": oops}\n');
    const ws = join(dir, 'ws.duckdb');

    const killed = await cli(['import', '--workspace', ws, data], (err) => {
      const m = [...err.matchAll(/(\d+)\/(\d+) files/g)].at(-1);
      return !!m && Number(m[1]) >= 3 && Number(m[1]) < Number(m[2]);
    });
    expect(killed.signal).toBe('SIGKILL');

    const check = async () => {
      const w = await openWorkspace(ws, [lakeSchema]);
      try {
        const rows = (
          await w.db.runAndReadAll(
            `SELECT count(*)::DOUBLE AS files,
                    count(*) FILTER (WHERE rows <> (SELECT count(*) FROM lake_playlog_data d WHERE d.file_id = f.file_id) + (SELECT count(*) FROM lake_userlog_data d WHERE d.file_id = f.file_id))::DOUBLE AS torn,
                    (SELECT count(*) FROM lake_playlog_data)::DOUBLE AS play,
                    (SELECT count(*) FROM lake_playlog_data WHERE file_id NOT IN (SELECT file_id FROM lake_file))::DOUBLE AS orphans,
                    (SELECT count(*) FROM lake_quarantine)::DOUBLE AS quarantined
             FROM lake_file f`,
          )
        ).getRowObjectsJS()[0];
        const torn = (
          await w.db.runAndReadAll(
            `SELECT key, status, rows::DOUBLE, (SELECT count(*) FROM lake_playlog_data d WHERE d.file_id = f.file_id)::DOUBLE + (SELECT count(*) FROM lake_userlog_data d WHERE d.file_id = f.file_id)::DOUBLE AS n
             FROM lake_file f WHERE rows <> n`,
          )
        ).getRows();
        if (torn.length) console.error('torn files', JSON.stringify(torn));
        return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number(v)]));
      } finally {
        w.close();
      }
    };
    const partial = await check();
    expect(partial.files).toBeGreaterThanOrEqual(3);
    expect(partial.files).toBeLessThan(generated.files);
    expect({ torn: partial.torn, orphans: partial.orphans }).toEqual({ torn: 0, orphans: 0 });

    const rerun = await cli(['import', '--workspace', ws, '--json', data]);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as ImportSummary;
    expect(summary.skipped).toBe(partial.files);
    expect(summary.files).toBe(generated.files - partial.files);
    expect(summary.quarantined.every((q) => q.reason.startsWith('malformed JSON'))).toBe(true);

    const done = await check();
    expect(done).toEqual({ files: generated.files, torn: 0, play: 60_000, orphans: 0, quarantined: files.length });
  }, 30_000); // two CLI processes, each starting Node and DuckDB: 4.6 s alone, more beside the other suites
});

import { resolve } from 'node:path';
import { parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { runJob } from '../jobRunner.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';

export const importCommand: Command = {
  help: `Usage: npm run cli -- import [--workspace FILE] [--json] DIR

Finds playlog/ and userlog/ objects under DIR (Firehose YYYY/MM/DD/HH/ or Hive year=/month=/day=/hour=
folders; JSON lines, back-to-back records, CSV with header, Parquet; gzip by magic bytes) and loads
them. Idempotent and incremental: unchanged files are skipped, a changed file replaces its own rows,
each file commits whole. Bad lines are quarantined with file, line and reason; every good row loads.
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --json            print one JSON object: {files, rows, skipped, quarantined: [{file, line, reason}],
                    ignored: [{path, reason}], warnings: [...]}
Hidden files, markers (_SUCCESS), partial downloads, DuckDB files and WALs and files that are not
logs by name and content are passed over and listed; an unreadable or vanishing file is listed too
and tried again by the next import.
Ctrl+C cancels; files already committed stay, the rest are imported by the next run.

Example: npm run cli -- import --workspace lab.duckdb /tmp/lab`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new CliError('give exactly one folder to import, e.g. import --workspace lab.duckdb /tmp/lab');
    const dir = resolve(positionals[0]);
    const app = await openAppFromFlag(values.workspace);
    const started = Date.now();
    let lastFiles = '';
    try {
      const client = cliClient(app);
      const s = await runJob(client, io, () => client.call('lake.import', { dir }), {
        // One line per committed batch or file, not one per progress tick.
        minIntervalMs: 0,
        progressLine: (p) => {
          const files = `${p.done}/${p.total} files`;
          if (p.total === 0 || files === lastFiles) return undefined;
          lastFiles = files;
          return `  ${[files, p.message, p.bytesDone ? `${mbps(p.bytesDone, started)} MB/s` : ''].filter(Boolean).join(' · ')}`;
        },
        cancelled: 'import cancelled: files already committed stay, the next import does the rest',
      });
      if (values.json) {
        io.out(JSON.stringify(s));
      } else {
        const seconds = (Date.now() - started) / 1000;
        io.out(
          `Imported ${s.files} file${s.files === 1 ? '' : 's'}, ${s.rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s; ${s.skipped} unchanged file${s.skipped === 1 ? '' : 's'} skipped.`,
        );
        if (s.quarantined.length) {
          io.out(`Quarantined ${s.quarantined.length} line${s.quarantined.length === 1 ? '' : 's'}:`);
          for (const q of s.quarantined.slice(0, 50)) io.out(`  ${q.file}:${q.line}  ${q.reason}`);
          if (s.quarantined.length > 50) io.out(`  … ${s.quarantined.length - 50} more (import --json lists them all)`);
        }
        if (s.ignored.length) {
          io.out(`Passed over ${s.ignored.length} file${s.ignored.length === 1 ? '' : 's'} or folder${s.ignored.length === 1 ? '' : 's'}:`);
          for (const i of s.ignored.slice(0, 50)) io.out(`  ${i.path}  ${i.reason}`);
          if (s.ignored.length > 50) io.out(`  … ${s.ignored.length - 50} more (import --json lists them all)`);
        }
        for (const w of s.warnings) io.out(`Warning: ${w}`);
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};

function mbps(bytes: number, started: number): string {
  return (bytes / 1e6 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1);
}

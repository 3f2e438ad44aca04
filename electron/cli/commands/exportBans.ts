import { resolve } from 'node:path';
import { exportBanList } from '../../investigate/banList.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { openAppFromFlag, orFail } from '../workspaceArg.ts';

export const exportBansCommand: Command = {
  help: `Usage: npm run cli -- export-bans [--workspace FILE] --out FILE.csv [--run ID] [--all] [--evidence] [--bom] [--json]

Writes RFC 4180 CSV (UTF-8, CRLF, header row) with one row per banned player, most suspicious first:
pidx, uclass, ulevel, verdict, reasons (rules and forest), max_score, anomalous_rows, first_seen,
last_seen, note, run_id, exported_at. Text cells starting with = + - @ tab or CR get a leading ' so a
spreadsheet never runs them as formulas. Works before any scoring run (score columns empty).
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --run ID          scoring run for the score columns (default: the newest)
  --all             every verdict, not only bans
  --evidence        add the decision's columns: player_score, flagged_by, decided_at, decided_run_id,
                    reasons_at_decision, max_score_at_decision (from the verdict history)
  --bom             start the file with a UTF-8 byte-order mark, so Excel shows × and ≥ right
  --json            print {path, name, bytes, rows}

Example: npm run cli -- export-bans --workspace lab.duckdb --out bans.csv`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      out: { type: 'string' },
      run: { type: 'string' },
      all: { type: 'boolean' },
      evidence: { type: 'boolean' },
      bom: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (!values.out) throw new CliError('give the file to write: --out bans.csv');
    const runId = values.run === undefined ? undefined : intOption(values.run, 'run', 0, 1);
    const app = await openAppFromFlag(values.workspace);
    try {
      const file = await orFail(
        exportBanList(
          app.services.ws,
          { ...(runId !== undefined ? { runId } : {}), include: values.all ? 'all' : 'ban', evidence: !!values.evidence, bom: !!values.bom },
          resolve(values.out),
        ),
      );
      io.out(values.json ? JSON.stringify(file) : `wrote ${file.rows} player${file.rows === 1 ? '' : 's'} to ${file.path}`);
      return 0;
    } finally {
      await app.close();
    }
  },
};

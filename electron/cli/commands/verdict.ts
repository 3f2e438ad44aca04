import { parsePlayerVerdict } from '../../../shared/api/investigate.ts';
import { latestRun } from '../../scoring/runs.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';

export const verdictCommand: Command = {
  help: `Usage: npm run cli -- verdict [--workspace FILE] --pidx N --verdict ban|false_positive|review [--note TEXT] [--json]

Stores the player's verdict (replacing an earlier one) with the note and the time, and the newest
scoring run if there is one. Verdicts live in the workspace and survive re-sync, re-import and
re-scoring; they show in the Anomalies table, on the map and in the ban list.
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --verdict V       ban, false_positive (also: false-positive, fp) or review
  --json            print the stored verdict as one JSON object

Example: npm run cli -- verdict --workspace lab.duckdb --pidx 1432 --verdict ban --note "walks the red zone nightly"`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      pidx: { type: 'string' },
      verdict: { type: 'string' },
      note: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.pidx === undefined) throw new CliError('give the player: --pidx N');
    const pidx = intOption(values.pidx, 'pidx', 0);
    const verdict = parsePlayerVerdict(values.verdict);
    if (!verdict) throw new CliError('--verdict must be one of ban, false-positive, review (false_positive and fp work too)');
    const app = await openAppFromFlag(values.workspace);
    const client = cliClient(app);
    try {
      const run = await latestRun(app.services.ws);
      const v = await client.call('investigate.setVerdict', { pidx, verdict, note: values.note ?? '', ...(run ? { runId: run.id } : {}) });
      io.out(
        values.json
          ? JSON.stringify(v)
          : `player ${v.pidx}: ${v.verdict}${v.note ? ` — ${v.note}` : ''} (${v.decidedAt}${v.runId !== null ? `, run ${v.runId}` : ''})`,
      );
      return 0;
    } finally {
      await app.close();
    }
  },
};

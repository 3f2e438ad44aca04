import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Evaluation } from '../../../shared/api/investigate.ts';
import { evaluateRanking, knownFromVerdicts, parseLabels } from '../../investigate/evaluate.ts';
import { flaggedPlayers } from '../../investigate/flagged.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { openAppFromFlag, orFail } from '../workspaceArg.ts';

export const evaluateCommand: Command = {
  help: `Usage: npm run cli -- evaluate [--workspace FILE] (--labels FILE.csv | --verdicts) [--run ID] [--json]

How good is the detection on players you already know about? Compares the ranked flagged list (the
Anomalies table's, the ban list's) with known cheaters:
  precision@N        share of the top N that are known cheaters (N = how many you know)
  recall             share of known cheaters on the flagged list
  average precision  mean over known cheaters of the precision at each one's rank
  misses             per behaviour (labels.csv's second column), the player ids not flagged
  --labels FILE.csv  known cheaters: a header, then pidx[,behaviour] per line (as generate writes)
  --verdicts         known cheaters are the players with a ban verdict; false-positive verdicts are
                     counted when they are flagged again
  --run ID           scoring run (default: the newest)
  --json             one JSON object: {runId, n, flagged, precisionAtN, recall, averagePrecision,
                     falsePositivesFlagged, behaviours: [{behaviour, labelled, found, missed}]}

Example: npm run cli -- evaluate --workspace lab.duckdb --labels /tmp/lab/labels.csv`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      labels: { type: 'string' },
      verdicts: { type: 'boolean' },
      run: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
    if (!values.labels === !values.verdicts) throw new CliError('give either --labels FILE.csv or --verdicts');
    const runId = values.run === undefined ? undefined : intOption(values.run, 'run', 0, 1);
    let known = new Map<number, string>();
    if (values.labels) {
      try {
        known = parseLabels(await readFile(resolve(values.labels), 'utf8'));
      } catch (e) {
        throw new CliError(`cannot read labels ${values.labels}: ${(e as Error).message}`);
      }
    }
    const app = await openAppFromFlag(values.workspace);
    try {
      const ws = app.services.ws;
      let falsePositives: Set<number> | undefined;
      if (values.verdicts) {
        ({ known, falsePositives } = await orFail(knownFromVerdicts(ws)));
      }
      if (known.size === 0) throw new CliError(values.verdicts ? 'no ban verdicts yet: nothing to measure against' : 'the labels file names no players');
      const list = await orFail(flaggedPlayers(ws, runId !== undefined ? { runId } : {}));
      const ev = evaluateRanking(list.players, known, list.summary.run?.id ?? null, falsePositives);
      io.out(values.json ? JSON.stringify(ev) : describeEvaluation(ev));
      return 0;
    } finally {
      await app.close();
    }
  },
};

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function describeEvaluation(ev: Evaluation): string {
  return [
    `${ev.runId === null ? 'rules only (no scoring run)' : `run ${ev.runId}`}: ${ev.n} known cheaters, ${ev.flagged} players flagged`,
    `  precision@${ev.n} ${pct(ev.precisionAtN)}   recall ${pct(ev.recall)}   average precision ${pct(ev.averagePrecision)}`,
    ...(ev.falsePositivesFlagged !== null ? [`  players judged false positives flagged again: ${ev.falsePositivesFlagged}`] : []),
    ...ev.behaviours.map(
      (b) =>
        `  ${b.behaviour.padEnd(12)} ${b.found}/${b.labelled} found${b.missed.length ? `; missed ${b.missed.slice(0, 20).join(', ')}${b.missed.length > 20 ? ', …' : ''}` : ''}`,
    ),
  ].join('\n');
}

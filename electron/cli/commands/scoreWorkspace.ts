import type { FeatureSet, ScoreRequest, ScoringRun } from '../../../shared/api/scoring.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { CliError, type CliIO } from '../command.ts';
import { runJob } from '../jobRunner.ts';
import { cliClient, openAppFromFlag } from '../workspaceArg.ts';

/** `score --workspace`: a scoring run stored in the workspace (the --in/--out CSV mode lives in cli/commands/score.ts). */
export const SCORE_WORKSPACE_HELP = `Usage: npm run cli -- score --workspace FILE [--features points|movement | --query SQL]
                           [--trees N] [--samples N] [--seed N] [--cutoff RULE] [--json]

Scores the workspace's play log (or any query's numeric columns) with a Random Cut Forest in the worker
pool and stores the run: parameters, seed, feature columns, model, and one score per row keyed by
playlog.row_id. Prints the run id and a summary. With no options it does what works best across games:
the row-level forest on positions (evidence for the drill-down and the map), then, per player, the
profile (player_profile), the rules learned from the population and the player-level forest on the
profiles, whose score and cut-off (median + 10 MAD) flag players; see \`flagged\`, \`rules\`, \`evaluate\`.
  --features points    posnewx, posnewy (the lab's choice; default for the row-level forest)
  --features movement  x, y, step length, seconds since the player's previous event
  --query SQL          the query's numeric columns (row_id, if selected, keys the scores to the play log;
                       pidx, if selected, is carried along and not scored)
  --trees N            trees (num_trees), default 100;  --samples N  samples per tree, default 256
  --seed N             default 0 (same data, same seed → same scores)
  --cutoff RULE        mean+Ksd (default mean+1.5sd, the lab's; mean+3sd as in the taxi blog), top:N, score:S
  --json               print the run as one JSON object
Ctrl+C cancels; nothing of a cancelled run is stored.

Example: npm run cli -- score --workspace lab.duckdb --features points --trees 200 --samples 1000 --cutoff mean+1.5sd`;

export async function scoreWorkspace(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    workspace: { type: 'string' },
    features: { type: 'string' },
    query: { type: 'string' },
    trees: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    cutoff: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.features !== undefined && values.query !== undefined) throw new CliError('choose one of --features and --query');
  if (values.features !== undefined && values.features !== 'points' && values.features !== 'movement') {
    throw new CliError(`--features must be points or movement, got "${values.features}" (or give --query SQL)`);
  }
  const req: ScoreRequest = {
    ...(values.query !== undefined ? { query: values.query } : { features: (values.features ?? 'points') as FeatureSet }),
    trees: intOption(values.trees, 'trees', 100, 1),
    samples: intOption(values.samples, 'samples', 256, 1),
    seed: intOption(values.seed, 'seed', 0, 0),
    ...(values.cutoff !== undefined ? { cutoff: values.cutoff } : {}),
  };
  const app = await openAppFromFlag(values.workspace);
  try {
    const client = cliClient(app);
    const run = await runJob(client, io, () => client.call('scoring.start', req), {
      progressLine: (p) => (p.message ? `  ${p.message}${p.total > 0 ? ` ${Math.floor((100 * p.done) / p.total)}%` : ''}` : undefined),
      cancelled: 'scoring cancelled: nothing of the run is stored',
    });
    io.out(values.json ? JSON.stringify(run) : describeRun(run));
    return 0;
  } finally {
    await app.close();
  }
}

const fmt = (v: number) => String(+v.toPrecision(4));

export function describeRun(run: ScoringRun): string {
  return [
    `run ${run.id}: ${run.features} (${run.featureColumns.join(', ')}), ${run.trees} trees × ${run.samples} samples, seed ${run.seed}`,
    `  ${run.rows.toLocaleString('en-US')} rows scored in ${(run.elapsedMs / 1000).toFixed(1)} s; score mean ${fmt(run.mean)}, sd ${fmt(run.sd)}, min ${fmt(run.min)}, max ${fmt(run.max)}`,
    `  cut-off ${run.cutoff} = ${fmt(run.cutoffValue)} → ${run.flaggedRows.toLocaleString('en-US')} anomalous rows (${((100 * run.flaggedRows) / Math.max(1, run.rows)).toFixed(2)}%)`,
  ].join('\n');
}

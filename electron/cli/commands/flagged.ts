import type { FlaggedPlayer } from '../../../shared/api/investigate.ts';
import { flaggedPlayers } from '../../investigate/flagged.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { openAppFromFlag, orFail } from '../workspaceArg.ts';

export const flaggedCommand: Command = {
  help: `Usage: npm run cli -- flagged [--workspace FILE] [--run ID] [--cutoff RULE] [--limit N] [--json]

Every player the rules (forbidden zone entered, teleport, sustained speed; thresholds learned from the
play log, see \`rules\`) or the player-level forest (the player's profile scores above median + 10 MAD of
all players' scores) flag, plus every player with a verdict, in the ranking the Anomalies view and the
ban list use: suspicion = rules fired (one point each) + player-forest strength (0–1, the player's score
relative to the highest). The row-level forest's rows above its cut-off are evidence, not a flag.
Works before any scoring run (rules only).
  --workspace FILE  workspace file (default: REDZONE_WORKSPACE, then the user-data workspace)
  --run ID          scoring run (default: the newest)
  --cutoff RULE     re-cut for this listing: mean+Ksd, top:N or score:S (default: the run's own)
  --limit N         at most N players (default: all)
  --json            one JSON object: {run, cutoffValue, playerCutoff, total, byRules, byForest, byBoth, verdicts, players: [...]}

Example: npm run cli -- flagged --workspace lab.duckdb --limit 20`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      run: { type: 'string' },
      cutoff: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    const runId = values.run === undefined ? undefined : intOption(values.run, 'run', 0, 1);
    const limit = intOption(values.limit, 'limit', Number.MAX_SAFE_INTEGER, 0);
    const app = await openAppFromFlag(values.workspace);
    try {
      const list = await orFail(
        flaggedPlayers(app.services.ws, { ...(runId !== undefined ? { runId } : {}), ...(values.cutoff !== undefined ? { cutoff: values.cutoff } : {}) }),
      );
      const players = list.players.slice(0, limit);
      if (values.json) {
        io.out(JSON.stringify({ ...list.summary, players }));
        return 0;
      }
      const s = list.summary;
      io.out(
        s.run
          ? `run ${s.run.id} (${s.run.features}, ${s.run.trees}×${s.run.samples}), cut-off ${values.cutoff ?? s.run.cutoff} = ${fmt(s.cutoffValue!)}`
          : 'no scoring run yet: rule evidence only',
      );
      if (s.playerCutoff !== null) io.out(`player forest cut-off ${fmt(s.playerCutoff)} (median + 10 MAD of player scores)`);
      io.out(`${s.total} players: ${s.byBoth} by rules and forest, ${s.byRules} by rules only, ${s.byForest} by forest only; ${s.verdicts} with a verdict`);
      if (players.length) io.out(table(players));
      return 0;
    } finally {
      await app.close();
    }
  },
};

const fmt = (v: number | null) => (v === null ? '' : String(+v.toPrecision(4)));

function table(players: FlaggedPlayer[]): string {
  const header = ['rank', 'pidx', 'by', 'class', 'lvl', 'rows', 'score', 'anom', 'verdict', 'reasons'];
  const rows = players.map((p) => [
    String(p.rank),
    String(p.pidx),
    p.flaggedBy,
    p.uclass ?? '',
    p.ulevel === null ? '' : String(p.ulevel),
    String(p.rows),
    fmt(p.playerScore),
    p.anomalousRows === null ? '' : String(p.anomalousRows),
    p.verdict ?? '',
    p.reasons.join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

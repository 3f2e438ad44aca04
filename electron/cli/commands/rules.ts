import type { RuleSettings } from '../../../shared/api/investigate.ts';
import { describeRules } from '../../investigate/calibrate.ts';
import { ensureEvidence, learnRuleSettings, ruleSettings, saveRuleSettings } from '../../investigate/evidence.ts';
import { intOption, numberOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { openAppFromFlag, orFail } from '../workspaceArg.ts';

export const rulesCommand: Command = {
  help: `Usage: npm run cli -- rules [--workspace FILE] show [--json]
       npm run cli -- rules [--workspace FILE] set [--teleport-step N] [--max-speed N] [--speed-steps N] [--json]
       npm run cli -- rules [--workspace FILE] learn [--json]

Unless you set them, the thresholds are learned from this workspace's play log (robust statistics
over players: medians and MADs of each player's own step figures, so a few cheaters cannot move them)
and follow the data after every import:
  teleport      one step > 25 × the honest players' longest step
  speed         a step > the honest longest step + 6 MAD (at least 1.25 ×), per move
  sustained     that many fast steps in a row (learned, at least 3)
  session gap   20 × the typical pause between a player's events; steps across it are not movement
  show          the thresholds in force and where each comes from
  set           override the given thresholds (the others stay learned)
  learn         drop every override: all thresholds follow the data again
  --json        the settings as one JSON object: {teleportStep, maxSpeed, speedSteps, sessionGap, learned, overrides}

Example: npm run cli -- rules --workspace game.duckdb set --max-speed 60`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      workspace: { type: 'string' },
      'teleport-step': { type: 'string' },
      'max-speed': { type: 'string' },
      'speed-steps': { type: 'string' },
      json: { type: 'boolean' },
    });
    const [sub = 'show', ...extra] = positionals;
    if (extra.length) throw new CliError(`unexpected argument "${extra[0]}"`);
    if (!['show', 'set', 'learn'].includes(sub)) throw new CliError(`rules: the subcommand is show, set or learn, got "${sub}"`);
    const patch: Partial<RuleSettings> = {};
    if (values['teleport-step'] !== undefined) patch.teleportStep = numberOption(values['teleport-step'], 'teleport-step', 0);
    if (values['max-speed'] !== undefined) patch.maxSpeed = numberOption(values['max-speed'], 'max-speed', 0);
    if (values['speed-steps'] !== undefined) patch.speedSteps = intOption(values['speed-steps'], 'speed-steps', 0, 1);
    if (sub === 'set' && Object.keys(patch).length === 0) throw new CliError('rules set needs at least one of --teleport-step, --max-speed, --speed-steps');
    if (sub !== 'set' && Object.keys(patch).length) throw new CliError(`threshold options go with "rules set", not "rules ${sub}"`);
    const app = await openAppFromFlag(values.workspace);
    try {
      const ws = app.services.ws;
      const s =
        sub === 'set'
          ? await orFail(saveRuleSettings(ws, patch))
          : sub === 'learn'
            ? await orFail(learnRuleSettings(ws))
            : await orFail(ensureEvidence(ws).then(() => ruleSettings(ws)));
      io.out(values.json ? JSON.stringify(s) : describeRules(s).join('\n'));
      return 0;
    } finally {
      await app.close();
    }
  },
};

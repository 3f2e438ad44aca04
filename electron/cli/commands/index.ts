import type { Command } from '../command.ts';
import { benchCommand } from './bench.ts';
import { evaluateCommand } from './evaluate.ts';
import { exportBansCommand } from './exportBans.ts';
import { flaggedCommand } from './flagged.ts';
import { generateCommand } from './generate.ts';
import { importCommand } from './import.ts';
import { rulesCommand } from './rules.ts';
import { scoreCommand } from './score.ts';
import { sqlCommand } from './sql.ts';
import { streamCommand } from './stream.ts';
import { syncCommand } from './sync.ts';
import { verdictCommand } from './verdict.ts';
import { webCommand } from './web.ts';
import { zonesCommand } from './zones.ts';

/** Every CLI command, in the order `--help` lists them: the analyst's workflow, then tooling. */
export const commands: Command[] = [
  importCommand,
  syncCommand,
  sqlCommand,
  scoreCommand,
  flaggedCommand,
  verdictCommand,
  exportBansCommand,
  zonesCommand,
  rulesCommand,
  evaluateCommand,
  streamCommand,
  webCommand,
  generateCommand,
  benchCommand,
];

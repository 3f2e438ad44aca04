import type { Command } from '../command.ts';

/** A command as the list knows it: its module, and everything that imports, loads only when it runs. */
export interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  load(): Promise<Command>;
}

/** Every CLI command, in the order `--help` lists them: the analyst's workflow, then tooling. */
export const commands: CommandEntry[] = [
  {
    name: 'import',
    summary: 'Import play logs and user logs from a folder (Firehose, Hive, JSON/CSV/Parquet, gzip) into a workspace',
    load: async () => (await import('./import.ts')).importCommand,
  },
  { name: 'sync', summary: 'Pull Firehose hours from S3 into the workspace (plan with --dry-run)', load: async () => (await import('./sync.ts')).syncCommand },
  {
    name: 'sql',
    summary: 'Run SQL against a workspace and print the result (table, --csv or --json)',
    load: async () => (await import('./sql.ts')).sqlCommand,
  },
  {
    name: 'score',
    summary: 'Score a CSV with a Random Cut Forest (batch or streaming), appending a score column',
    load: async () => (await import('./score.ts')).scoreCommand,
  },
  {
    name: 'flagged',
    summary: 'List flagged players, most suspicious first (rules and forest), with their verdicts',
    load: async () => (await import('./flagged.ts')).flaggedCommand,
  },
  {
    name: 'verdict',
    summary: 'Record a verdict on a player: ban, false_positive or review, with a note',
    load: async () => (await import('./verdict.ts')).verdictCommand,
  },
  {
    name: 'export-bans',
    summary: 'Write the ban list for live ops as CSV (players with a ban verdict)',
    load: async () => (await import('./exportBans.ts')).exportBansCommand,
  },
  {
    name: 'zones',
    summary: 'List, add or remove the forbidden zones the rules check; suggest zones from rare places',
    load: async () => (await import('./zones.ts')).zonesCommand,
  },
  {
    name: 'rules',
    summary: 'Show, set or re-learn the rule thresholds (teleport, speed, sustained speed)',
    load: async () => (await import('./rules.ts')).rulesCommand,
  },
  {
    name: 'evaluate',
    summary: 'Measure the flagged list against known cheaters (labels.csv or your ban verdicts)',
    load: async () => (await import('./evaluate.ts')).evaluateCommand,
  },
  {
    name: 'stream',
    summary: 'Metric streams: import, define windowed measures, score with streaming forests, alerts',
    load: async () => (await import('./stream.ts')).streamCommand,
  },
  { name: 'web', summary: 'Serve Redzone to a browser on 127.0.0.1 (browser mode)', load: async () => (await import('./web.ts')).webCommand },
  {
    name: 'generate',
    summary: 'Write the demo play logs and user logs (the reference lab at any scale) to a folder',
    load: async () => (await import('./generate.ts')).generateCommand,
  },
  { name: 'bench', summary: 'Run benchmarks, print a table and write JSON', load: async () => (await import('./bench.ts')).benchCommand },
];

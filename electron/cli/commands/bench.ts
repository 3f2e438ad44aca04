import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { SUITES } from '../../bench/suites.ts';
import type { BenchRow } from '../../bench/types.ts';
import { intOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';

export const benchCommand: Command = {
  get help() {
    return `Usage: npm run bench -- [SUITE ...] [--quick] [--out FILE] [--rows N] [--lake DIR] [--dir DIR] [--cli FILE] [--product-only]

Runs the named suites (default: all but lab, which only runs when named), prints one table and writes every row as JSON.
Each suite measures ratios side by side in the same run, since machines are noisy.
  --quick     smaller inputs (a smoke run)
  --out FILE  where to write the JSON (default: .bench/latest.json)
  --rows N    lab: play-log rows (default the lab's 40,529,100; the lake is generated once and reused)
  --lake DIR  lab: the lake folder (default .bench/lab/lake-N; DIR.complete marks it whole)
  --dir DIR   lab: scratch folder for the run's workspaces (default .bench/lab)
  --cli FILE  lab: the CLI entry to run the steps with (default scripts/cli.mjs), to compare builds
  --product-only  lab: skip the yardsticks (GetObject loop, CTAS, folder import)

Suites:
${Object.entries(SUITES)
  .map(([name, s]) => `  ${name.padEnd(10)} ${s.about}`)
  .join('\n')}`;
  },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      rows: { type: 'string' },
      lake: { type: 'string' },
      dir: { type: 'string' },
      cli: { type: 'string' },
      'product-only': { type: 'boolean' },
    });
    const opts = {
      quick: values.quick,
      ...(values.rows !== undefined ? { rows: intOption(values.rows, 'rows', 0, 1) } : {}),
      ...(values.lake !== undefined ? { lake: values.lake } : {}),
      ...(values.dir !== undefined ? { dir: values.dir } : {}),
      ...(values.cli !== undefined ? { cli: values.cli } : {}),
      productOnly: values['product-only'],
    };
    const names = positionals.length ? positionals : Object.keys(SUITES).filter((n) => !SUITES[n].onDemand);
    const unknown = names.filter((n) => !(n in SUITES));
    if (unknown.length) throw new CliError(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
    const rows: BenchRow[] = [];
    for (const name of names) {
      io.err(`running ${name}…`);
      rows.push(...(await SUITES[name].run(opts)));
    }
    io.out(table(rows));
    const out = resolve(values.out ?? '.bench/latest.json');
    await mkdir(dirname(out), { recursive: true });
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
    await writeFile(out, JSON.stringify({ at: new Date().toISOString(), machine, quick: !!values.quick, rows }, null, 2));
    io.err(`wrote ${out}`);
    return 0;
  },
};

function format(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function table(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.suite, r.case, r.metric, format(r.value), r.unit, r.note ?? '']);
  const header = ['suite', 'case', 'metric', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 3 ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { SUITES } from '../../bench/suites.ts';
import type { BenchRow } from '../../bench/types.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run benchmarks, print a table and write JSON',
  get help() {
    return `Usage: npm run bench -- [SUITE ...] [--quick] [--out FILE]

Runs the named suites (default: all), prints one table and writes every row as JSON.
Each suite measures ratios side by side in the same run, since machines are noisy.
  --quick     smaller inputs (a smoke run)
  --out FILE  where to write the JSON (default: .bench/latest.json)

Suites:
${Object.entries(SUITES)
  .map(([name, s]) => `  ${name.padEnd(10)} ${s.about}`)
  .join('\n')}`;
  },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { quick: { type: 'boolean' }, out: { type: 'string' } });
    const names = positionals.length ? positionals : Object.keys(SUITES);
    const unknown = names.filter((n) => !(n in SUITES));
    if (unknown.length) throw new CliError(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
    const rows: BenchRow[] = [];
    for (const name of names) {
      io.err(`running ${name}…`);
      rows.push(...(await SUITES[name].run({ quick: values.quick })));
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
  const line = (c: string[]) => c.map((v, i) => (i === 3 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

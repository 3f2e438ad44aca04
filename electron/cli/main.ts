import { ApiError } from '../../shared/api/envelope.ts';
import { commands } from './commands/index.ts';
import { CliError, type CliIO } from './command.ts';

const io: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Redzone — hunt cheaters in play logs, offline.',
    '',
    'Usage: npm run cli -- <command> [options]      (each command takes --help)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`redzone ${name}: ${e.message}`);
      return e.exitCode;
    }
    // A domain refusal (bad input, missing file) is the analyst's to fix: its message, not a stack.
    if (e instanceof ApiError && e.code !== 'INTERNAL') {
      io.err(`redzone ${name}: ${e.code}: ${e.message}`);
      return 1;
    }
    io.err(`redzone ${name}: ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  }
}

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../electron/cli/commands/index.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../scripts/cli.mjs');

describe('the CLI as analysts script it', () => {
  it('has every command the issues name', () => {
    expect(commands.map((c) => c.name).sort()).toEqual(
      ['bench', 'evaluate', 'export-bans', 'flagged', 'generate', 'import', 'rules', 'score', 'sql', 'stream', 'sync', 'verdict', 'web', 'zones'].sort(),
    );
  });

  it('lists the commands and answers --help for each with its usage', async () => {
    const top = await run(process.execPath, [CLI, '--help']);
    for (const c of commands) expect(top.stdout).toContain(c.name);
    for (const c of commands) {
      const { stdout } = await run(process.execPath, [CLI, c.name, '--help']);
      expect(stdout, c.name).toMatch(new RegExp(`^Usage: npm run (cli -- ${c.name}|bench --)`));
    }
  });

  it('exits 2 with one line for an unknown command or flag', async () => {
    await expect(run(process.execPath, [CLI, 'nope'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown command "nope"') });
    await expect(run(process.execPath, [CLI, 'sql', '--bogus', 'SELECT 1'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^redzone sql: .*bogus/),
    });
  });
});

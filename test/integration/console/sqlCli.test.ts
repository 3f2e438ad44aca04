import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlCommand } from '../../../electron/cli/commands/sql.ts';

describe('sql CLI: sandboxed, formula-safe CSV', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rz-sqlcli-'));
    process.env.REDZONE_USER_DATA = join(dir, 'user');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function sql(...argv: string[]) {
    const out: string[] = [];
    const code = await sqlCommand
      .run(['--workspace', join(dir, 'w.duckdb'), ...argv], { out: (t) => out.push(t), err: (t) => out.push(t) })
      .catch((e: Error) => e);
    return { code, out: out.join('') };
  }

  it('neutralises formula-starting cells in --csv, and --raw keeps them', async () => {
    const query = `SELECT '@SUM(A1)' AS f, -1 AS n`;
    expect((await sql('--csv', query)).out).toBe(`f,n\r\n'@SUM(A1),-1\r\n`);
    expect((await sql('--csv', '--raw', query)).out).toBe(`f,n\r\n@SUM(A1),-1\r\n`);
  });

  it('refuses to read outside the workspace', async () => {
    const { code } = await sql(`SELECT * FROM read_text('/etc/passwd')`);
    expect(code).toBeInstanceOf(Error);
    expect((code as Error).message).toMatch(/only in the workspace's data folder/);
  });
});

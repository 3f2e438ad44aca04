import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourText } from '../../../electron/s3/followHours.ts';
import { startS3rver, type S3Server } from '../s3/s3server.ts';

/** The demo as the README tells it: `generate --live` writes to a local s3rver, `sync --follow --json` follows it. */
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../scripts/cli.mjs');
const BUCKET = 'demo-live';
let dir: string;
let server: S3Server;
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rz-cli-follow-'));
  server = await startS3rver(join(dir, 'server'), [BUCKET]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('sync --follow --json with generate --live', () => {
  it('prints one JSON line per event, announces the cheater once, and imports every generated row', async () => {
    const ws = join(dir, 'ws.duckdb');
    const previous = hourText(Date.now() - 3_600_000);
    const follower = spawn(
      process.execPath,
      [
        CLI,
        'sync',
        '--workspace',
        ws,
        '--save',
        'live',
        '--bucket',
        BUCKET,
        '--prefix',
        'playlog/',
        '--endpoint',
        server.endpoint,
        '--from',
        previous,
        '--to',
        previous,
        '--follow',
        '--every',
        '200ms',
        '--json',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: follower.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    let stderr = '';
    follower.stderr!.on('data', (d) => (stderr += d));
    const until = async (what: string, probe: () => boolean) => {
      const end = Date.now() + 60_000;
      while (!probe()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}; stdout: ${JSON.stringify(lines)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until('following', () => lines.some((l) => l.event === 'follow' && l.state === 'caught-up'));

    const generated = await run(
      process.execPath,
      [
        CLI,
        'generate',
        '--live',
        '',
        '--bucket',
        BUCKET,
        '--endpoint',
        server.endpoint,
        '--every',
        '150ms',
        '--count',
        '6',
        '--cheater-after',
        '2',
        '--players',
        '30',
        '--rows-per-object',
        '400',
        '--json',
      ],
      { env },
    );
    const objects = generated.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rows: number; cheater: number | null });
    const cheater = String(objects.at(-1)!.cheater);
    const aboutCheater = (l: Record<string, unknown>) =>
      l.event === 'inbox' && ((l.target as { ref?: string }).ref === cheater || (l.body as string).includes(cheater));
    await until('the cheater announced', () => lines.some(aboutCheater));
    await new Promise((r) => setTimeout(r, 1000)); // more ticks: nothing twice
    follower.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => follower.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);

    const announced = lines.filter(aboutCheater);
    expect(announced).toHaveLength(1);
    const stopped = lines.at(-1)!;
    expect(stopped).toMatchObject({ event: 'stopped', objects: 6, rows: 6 * 400 });
    const counted = await run(process.execPath, [CLI, 'sql', '--workspace', ws, '--json', 'SELECT count(*) AS n FROM playlog'], { env });
    expect(JSON.parse(counted.stdout).rows[0][0]).toBe(6 * 400);
  }, 120_000);
});

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LiveGame } from '../../lake/generate/live.ts';
import { connect, type S3Connection } from '../../s3/client.ts';
import { describeS3Error } from '../../s3/errors.ts';
import { s3Sdk } from '../../s3/sdk.ts';
import { intOption } from '../args.ts';
import { CliError, type CliIO } from '../command.ts';
import { parseDuration } from './syncFollow.ts';

export interface LiveFlags {
  dir?: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  every?: string;
  players?: string;
  rowsPerObject?: string;
  cheaterAfter?: string;
  count?: string;
  seed?: string;
  json?: boolean;
}

/**
 * `generate --live`: writes one Firehose object per interval, stamped with the wall clock, into DIR and/or
 * an S3 bucket (PutObject, e.g. a local s3rver or MinIO), until Ctrl-C or --count objects.
 */
export async function generateLive(flags: LiveFlags, io: CliIO): Promise<number> {
  if (!flags.dir && !flags.bucket) throw new CliError('give --live DIR and/or --bucket B (with --endpoint URL for a local S3 server)');
  const everyMs = flags.every === undefined ? 60_000 : parseDuration(flags.every, 'every');
  const count = flags.count === undefined ? Infinity : intOption(flags.count, 'count', 0, 1);
  const game = new LiveGame({
    players: intOption(flags.players, 'players', 200, 1),
    rowsPerObject: intOption(flags.rowsPerObject, 'rows-per-object', 6000, 1),
    cheaterAfter: intOption(flags.cheaterAfter, 'cheater-after', 3, 0),
    seed: intOption(flags.seed, 'seed', 1),
  });
  const dir = flags.dir ? resolve(flags.dir) : undefined;
  let s3: S3Connection | undefined;
  if (flags.bucket) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    s3 = await connect({
      name: 'live',
      bucket: flags.bucket,
      prefixes: ['playlog/'],
      from: '',
      to: '',
      ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.profile ? { profile: flags.profile } : {}),
    });
  }
  let stopped = false;
  const stop = () => (stopped = true);
  process.once('SIGINT', stop);
  try {
    for (let n = 0; n < count && !stopped; n++) {
      const o = game.next(new Date());
      if (dir) {
        const path = join(dir, ...o.key.split('/'));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, o.body);
      }
      if (s3) {
        try {
          const { PutObjectCommand } = await s3Sdk();
          await s3.client.send(new PutObjectCommand({ Bucket: flags.bucket, Key: o.key, Body: o.body }));
        } catch (e) {
          throw new CliError(describeS3Error(e, { bucket: flags.bucket!, key: o.key, endpoint: flags.endpoint }).message, 1);
        }
      }
      const info = { key: o.key, rows: o.rows, bytes: Buffer.byteLength(o.body), cheater: game.cheater };
      io.out(
        flags.json
          ? JSON.stringify(info)
          : `${new Date().toISOString().slice(11, 19)} wrote ${o.key} (${o.rows} rows${game.cheater !== null ? `; cheater ${game.cheater} is playing` : ''})`,
      );
      if (n + 1 < count) await new Promise((r) => setTimeout(r, everyMs));
    }
    return 0;
  } finally {
    process.off('SIGINT', stop);
    s3?.close();
  }
}

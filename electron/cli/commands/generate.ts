import { resolve } from 'node:path';
import { generateDemo, DEMO_DEFAULTS, WORLD_NAMES, type DemoFormat, type WorldName } from '../../lake/generate/index.ts';
import { intOption, numberOption, parseCommandArgs } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { generateLive } from './generateLive.ts';
import { generateStreamKind } from './stream.ts';

export const generateCommand: Command = {
  help: `Usage: npm run cli -- generate --out DIR [--players N] [--rows N] [--days D] [--seed S] [--gzip] [--format json|csv|parquet]
                             [--world lab|continent] [--json]
       npm run cli -- generate --kind toll|clickstream|series --out DIR [--seed S] [--json]
       npm run cli -- generate --live DIR [--bucket B --endpoint URL] [--every 60s] [--players N]
                               [--rows-per-object N] [--cheater-after K] [--count N] [--json]

Writes play logs and user logs as the cloud pipeline leaves them: JSON lines in Firehose hour folders
(playlog/YYYY/MM/DD/HH/playlog-<version>-<arrival>-<uuid>), or CSV/Parquet in Hive folders
(playlog/year=YYYY/month=MM/day=DD/hour=HH/), plus DIR/labels.csv (pidx,behaviour) with the ground
truth for the ~1% abnormal players (redzone, teleport, speedhack, noclip, bot), one behaviour each,
written only for players whose behaviour shows in their rows. Same seed, same bytes.
  --out DIR       target folder (created)
  --players N     players (default ${DEMO_DEFAULTS.players.toLocaleString('en-US')})
  --rows N        play-log rows (default ${DEMO_DEFAULTS.rows.toLocaleString('en-US')}; the lab had 40,529,100 from 20,043 players)
  --days D        days of hourly partitions (default ${DEMO_DEFAULTS.days})
  --seed S        random seed (default ${DEMO_DEFAULTS.seed})
  --gzip          gzip each object (json, csv)
  --format F      json (default), csv or parquet
  --world W       lab (default: 1500 × 1000, whole numbers, flat, red zone x 1000–1200, y 0–400) or
                  continent (12000 × 8000, float positions, terrain z, towns joined by roads honest players
                  follow, forbidden zone "Dragon's Keep" x 9000–10000, y 6200–7400: declare it with zones add)
  --json          print {files, rows, labels} as one JSON object
  --kind K        playlog (default), or a metric stream with planted anomalies: toll (date,toll,user CSV lines),
                  clickstream (JSON lines), series (timestamp,value); writes DIR/<kind>-labels.csv

Live (--live): a game that keeps playing for follow mode's demo. Every interval it writes one Firehose
object stamped with the wall clock (playlog/YYYY/MM/DD/HH/…) into DIR and/or PutObject's it to --bucket
(e.g. a local s3rver: --endpoint http://127.0.0.1:4568); after K objects a cheater joins and walks into
the red zone. Stops on Ctrl-C or after --count objects.
  --live DIR           folder to write into (optional when --bucket is given: pass --live "")
  --bucket B           also upload each object to this bucket (--endpoint, --region, --profile as for sync)
  --every D            interval (default 60s; 500ms, 5m…)
  --rows-per-object N  events per object (default 6000, about 1 MB)
  --cheater-after K    objects before the cheater starts (default 3)
  --count N            stop after N objects

Example: npm run cli -- generate --out /tmp/lab --players 20043 --rows 40529100 --gzip`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      players: { type: 'string' },
      rows: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      gzip: { type: 'boolean' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      kind: { type: 'string' },
      live: { type: 'string' },
      bucket: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      every: { type: 'string' },
      'rows-per-object': { type: 'string' },
      'cheater-after': { type: 'string' },
      count: { type: 'string' },
      world: { type: 'string' },
    });
    if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"`);
    if (values.live !== undefined || values.bucket) {
      return generateLive(
        {
          ...(values.live ? { dir: values.live } : {}),
          bucket: values.bucket,
          endpoint: values.endpoint,
          region: values.region,
          profile: values.profile,
          every: values.every,
          players: values.players,
          rowsPerObject: values['rows-per-object'],
          cheaterAfter: values['cheater-after'],
          count: values.count,
          seed: values.seed,
          json: !!values.json,
        },
        io,
      );
    }
    if (!values.out) throw new CliError('give the target folder with --out DIR');
    if (values.kind && values.kind !== 'playlog')
      return generateStreamKind(values.kind, resolve(values.out), values.seed === undefined ? undefined : intOption(values.seed, 'seed', 1), !!values.json, io);
    const format = (values.format ?? 'json') as DemoFormat;
    if (!['json', 'csv', 'parquet'].includes(format)) throw new CliError(`--format must be json, csv or parquet, got "${values.format}"`);
    if (format === 'parquet' && values.gzip) throw new CliError('--gzip applies to json and csv (Parquet is compressed inside)');
    const world = (values.world ?? 'lab') as WorldName;
    if (!WORLD_NAMES.includes(world)) throw new CliError(`--world must be one of ${WORLD_NAMES.join(', ')}, got "${values.world}"`);
    const out = resolve(values.out);
    const started = Date.now();
    const result = await generateDemo({
      out,
      players: intOption(values.players, 'players', DEMO_DEFAULTS.players, 1),
      rows: intOption(values.rows, 'rows', DEMO_DEFAULTS.rows, 0),
      days: numberOption(values.days, 'days', DEMO_DEFAULTS.days),
      seed: intOption(values.seed, 'seed', DEMO_DEFAULTS.seed),
      gzip: !!values.gzip,
      format,
      world,
      onProgress: (done, total) => io.err(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows`),
    });
    const seconds = (Date.now() - started) / 1000;
    if (values.json) {
      io.out(JSON.stringify({ out, files: result.files, rows: result.rows, world: result.world, labels: result.labels }));
    } else {
      const counts = result.labels.reduce<Record<string, number>>((acc, l) => ((acc[l.behaviour] = (acc[l.behaviour] ?? 0) + 1), acc), {});
      io.out(`Wrote ${result.rows.toLocaleString('en-US')} play-log rows in ${result.files} objects to ${out} (${seconds.toFixed(1)} s)`);
      io.out(
        `Abnormal players (labels.csv): ${Object.entries(counts)
          .map(([b, n]) => `${n} ${b}`)
          .join(', ')}`,
      );
      if (world !== 'lab') {
        const z = result.world.zone;
        io.out(`World ${world}: declare its forbidden zone with  zones add --name "${z.name}" --x0 ${z.x0} --x1 ${z.x1} --y0 ${z.y0} --y1 ${z.y1}`);
      }
    }
    return 0;
  },
};

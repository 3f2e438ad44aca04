/**
 * The built-in demo data set: the reference lab's play logs and user logs, reproduced at any scale and
 * laid out as the cloud pipeline leaves them (see objects.ts). Deterministic per seed; ground truth
 * goes to `labels.csv`, never into the logs.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../shared/api/envelope.ts';
import { csvRow } from '../../../shared/csv.ts';
import { Rng } from '../../rcf/index.ts';
import { quoteLiteral } from '../../workspace/sqlText.ts';
import { columnsStruct } from '../sqlSpec.ts';
import { PLAYLOG, USERLOG, type LogSpec } from '../logs.ts';
import { ObjectWriter, type DemoFormat } from './objects.ts';
import { Simulation, type Behaviour, type PlayEvent } from './simulate.ts';
import { worldOf, type World, type WorldName } from './worlds.ts';

export type { DemoFormat } from './objects.ts';
export type { Behaviour } from './simulate.ts';
export { WORLD_NAMES, type WorldName } from './worlds.ts';

export interface GenerateOptions {
  out: string;
  players?: number;
  rows?: number;
  days?: number;
  seed?: number;
  gzip?: boolean;
  format?: DemoFormat;
  /** Event time of the first hour (default 2018-10-10 00:00 UTC, the lab's week). */
  start?: Date;
  /** The game world (worlds.ts): `lab` (default) or `continent`. */
  world?: WorldName;
  signal?: AbortSignal;
  onProgress?(rows: number, total: number): void;
}

export interface GenerateResult {
  files: number;
  rows: number;
  labels: { pidx: number; behaviour: Behaviour }[];
  /** The world's name and forbidden zone (declare it with `zones add` for worlds other than the lab). */
  world: { name: WorldName; zone: World['zone'] };
}

export const DEMO_DEFAULTS = { players: 2000, rows: 2_000_000, days: 3, seed: 1, format: 'json' as DemoFormat, start: new Date('2018-10-10T00:00:00Z') };

/** Records reach the bucket this long after they happen, so an hour's last seconds land in the next folder. */
const ARRIVAL_LAG_MICROS = 15_000_000;
/** Firehose flushes about every 10k records here; at most every 5 minutes. */
const ROWS_PER_OBJECT = 10_000;
const PROGRESS_EVERY = 65_536;

export async function generateDemo(opts: GenerateOptions): Promise<GenerateResult> {
  const players = opts.players ?? DEMO_DEFAULTS.players;
  const rows = opts.rows ?? DEMO_DEFAULTS.rows;
  const days = opts.days ?? DEMO_DEFAULTS.days;
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const format = opts.format ?? DEMO_DEFAULTS.format;
  const start = opts.start ?? DEMO_DEFAULTS.start;
  if (!Number.isInteger(players) || players < 1) throw new ApiError('BAD_REQUEST', 'players must be a whole number ≥ 1');
  if (!Number.isInteger(rows) || rows < 0) throw new ApiError('BAD_REQUEST', 'rows must be a whole number ≥ 0');
  if (!(days > 0)) throw new ApiError('BAD_REQUEST', 'days must be > 0');
  if (format === 'parquet' && opts.gzip) throw new ApiError('BAD_REQUEST', 'Parquet is compressed inside the file; --gzip applies to json and csv');

  await mkdir(opts.out, { recursive: true });
  let world: World;
  try {
    world = worldOf(opts.world ?? 'lab');
  } catch (e) {
    throw new ApiError('BAD_REQUEST', (e as Error).message);
  }
  const sim = new Simulation({ players, rows, days, seed, start, world: world.name });
  const ids = new Rng(seed, 1);
  const uuid = () => uuidFrom(ids);
  const half = start.getTime() + Math.floor(sim.hours / 2) * 3_600_000;
  let duck: DuckDBInstance | undefined;
  const toParquet = (spec: LogSpec) => async (json: string, parquet: string) => {
    duck ??= await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const conn = await duck.connect();
    try {
      await conn.run(
        `COPY (SELECT * FROM read_json(${quoteLiteral(json)}, columns=${columnsStruct(spec)}, format='newline_delimited')) TO ${quoteLiteral(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      conn.closeSync();
    }
  };
  const writer = (spec: LogSpec, objectSeconds: number) =>
    new ObjectWriter({
      out: opts.out,
      stream: spec.name,
      format,
      gzip: !!opts.gzip,
      objectSeconds,
      uuid,
      version: (arrival) => (arrival.getTime() < half ? 1 : 2),
      ...(format === 'csv' ? { header: csvRow(spec.columns.map((c) => c.name)).replace('\r\n', '\n') } : {}),
      ...(format === 'parquet' ? { toParquet: toParquet(spec) } : {}),
    });
  const perHour = rows / sim.hours;
  const play = writer(PLAYLOG, 3600 / Math.min(12, Math.max(1, Math.ceil(perHour / ROWS_PER_OBJECT))));
  const user = writer(USERLOG, 3600);
  const line = format === 'csv' ? csvLine : jsonLine;
  try {
    for (const p of sim.initialProfiles()) await user.add(p.micros + ARRIVAL_LAG_MICROS, line.profile(p.pidx, p.uclass, p.ulevel, p.micros));
    const e: PlayEvent = { posnewx: 0, posnewy: 0, posnewz: 0, posoldx: 0, posoldy: 0, posoldz: 0, pidx: 0, idx: 0, action: 0, micros: 0 };
    let n = 0;
    while (sim.next(e)) {
      await play.add(e.micros + ARRIVAL_LAG_MICROS, line.play(e));
      const level = sim.takeProfile();
      if (level) await user.add(level.micros + ARRIVAL_LAG_MICROS, line.profile(level.pidx, level.uclass, level.ulevel, level.micros));
      if (++n % PROGRESS_EVERY === 0) {
        if (opts.signal?.aborted) throw new ApiError('CANCELLED', 'demo generation cancelled');
        opts.onProgress?.(n, rows);
      }
    }
    opts.onProgress?.(n, rows);
  } finally {
    await play.close();
    await user.close();
    duck?.closeSync();
  }
  const labels = sim.labels;
  await writeFile(join(opts.out, 'labels.csv'), csvRow(['pidx', 'behaviour']) + labels.map((l) => csvRow([l.pidx, l.behaviour])).join(''));
  return { files: play.files + user.files, rows, labels, world: { name: world.name, zone: world.zone } };
}

/** `2018-10-12 05:53:59.318075`, the lab's createdate format (UTC, microseconds). */
export function formatMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

const jsonLine = {
  play: (e: PlayEvent) =>
    `{"posnewx":${e.posnewx},"posnewy":${e.posnewy},"posnewz":${e.posnewz},"posoldx":${e.posoldx},"posoldy":${e.posoldy},"posoldz":${e.posoldz},"pidx":${e.pidx},"idx":${e.idx},"action":${e.action},"createdate":"${formatMicros(e.micros)}"}\n`,
  profile: (pidx: number, uclass: string, ulevel: number, micros: number) =>
    `{"pidx":${pidx},"uclass":"${uclass}","ulevel":${ulevel},"utimestamp":"${formatMicros(micros)}"}\n`,
};

const csvLine = {
  play: (e: PlayEvent) =>
    `${e.posnewx},${e.posnewy},${e.posnewz},${e.posoldx},${e.posoldy},${e.posoldz},${e.pidx},${e.idx},${e.action},${formatMicros(e.micros)}\n`,
  profile: (pidx: number, uclass: string, ulevel: number, micros: number) => `${pidx},${uclass},${ulevel},${formatMicros(micros)}\n`,
};

function uuidFrom(rng: Rng): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += rng.nextU32().toString(16).padStart(8, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

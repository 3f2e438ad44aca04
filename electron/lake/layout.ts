/**
 * Where a lake object sits and what it is, from its path: stream, partition (Firehose `YYYY/MM/DD/HH/`
 * or Hive `year=/month=/day=/hour=`), and the Firehose object name. The generator writes these layouts
 * and the importer reads them, so both directions live here.
 */
import type { LogName } from './logs.ts';

export interface Partition {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2018/10/12/05/` — Firehose's hour folder (arrival time of the object's oldest record, UTC). */
export function firehoseFolder(p: Partition): string {
  return `${pad(p.year, 4)}/${pad(p.month)}/${pad(p.day)}/${pad(p.hour)}/`;
}

/** `year=2018/month=10/day=12/hour=05/` — the layout Glue jobs write. */
export function hiveFolder(p: Partition): string {
  return `year=${pad(p.year, 4)}/month=${pad(p.month)}/day=${pad(p.day)}/hour=${pad(p.hour)}/`;
}

/** `<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>`: Firehose's object name, stamped with the arrival time. */
export function firehoseObjectName(stream: string, version: number, arrival: Date, uuid: string): string {
  const t = arrival;
  return `${stream}-${version}-${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}-${pad(t.getUTCHours())}-${pad(t.getUTCMinutes())}-${pad(t.getUTCSeconds())}-${uuid}`;
}

export function partitionOf(t: Date): Partition {
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours() };
}

const FIREHOSE_NAME = /-\d+-(\d{4})-(\d{2})-(\d{2})-(\d{2})-\d{2}-\d{2}-[0-9a-f-]{36}/i;
const HIVE = /^(year|month|day|hour)=(\d{1,4})$/i;

function valid(p: Partition): Partition | null {
  const ok = p.year >= 1970 && p.year <= 9999 && p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= 31 && p.hour >= 0 && p.hour <= 23;
  return ok ? p : null;
}

/**
 * The partition a file's path names: the nearest `YYYY/MM/DD/HH` folders, else Hive `key=value`
 * folders, else the timestamp in a Firehose object name; null when the path carries none (the rows'
 * event time is used then).
 */
export function parsePartition(relPath: string): Partition | null {
  const segs = relPath.split(/[\\/]+/).filter(Boolean);
  const dirs = segs.slice(0, -1);
  for (let i = dirs.length - 4; i >= 0; i--) {
    const [y, m, d, h] = dirs.slice(i, i + 4);
    if (/^\d{4}$/.test(y) && /^\d{2}$/.test(m) && /^\d{2}$/.test(d) && /^\d{2}$/.test(h)) {
      const p = valid({ year: +y, month: +m, day: +d, hour: +h });
      if (p) return p;
    }
  }
  const hive: Partial<Partition> = {};
  for (const s of dirs) {
    const m = HIVE.exec(s);
    if (m) hive[m[1].toLowerCase() as keyof Partition] = Number(m[2]);
  }
  if (hive.year !== undefined && hive.month !== undefined && hive.day !== undefined) {
    const p = valid({ year: hive.year, month: hive.month, day: hive.day, hour: hive.hour ?? 0 });
    if (p) return p;
  }
  const name = FIREHOSE_NAME.exec(segs.at(-1) ?? '');
  return name ? valid({ year: +name[1], month: +name[2], day: +name[3], hour: +name[4] }) : null;
}

/** The stream a path belongs to: its file name, else the nearest folder, naming playlog or userlog. */
export function parseStream(path: string): LogName | null {
  const segs = path
    .split(/[\\/]+/)
    .filter(Boolean)
    .reverse();
  for (const s of segs) {
    const lower = s.toLowerCase();
    const play = lower.includes('playlog');
    const user = lower.includes('userlog');
    if (play !== user) return play ? 'playlog' : 'userlog';
  }
  return null;
}

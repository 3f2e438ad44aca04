/**
 * Finds lake objects under a folder and tells what each one is — stream, partition, format and
 * compression — from its path and its first bytes (gzip without a `.gz` suffix, Parquet by magic).
 */
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { ApiError } from '../../shared/api/envelope.ts';
import type { IgnoredPath, LakeFile } from '../../shared/api/lake.ts';
import { parsePartition, parseStream, type Partition } from './layout.ts';
import { splitCsvLine } from './csvRecords.ts';
import { headText } from './textEncoding.ts';
import type { LogName } from './logs.ts';

export interface LakeObject {
  /** Absolute local path. */
  path: string;
  /** Path relative to the import root, with forward slashes. */
  rel: string;
  size: number;
  mtimeMs: number;
  stream: LogName;
  format: LakeFile['format'];
  compression: LakeFile['compression'];
  partition: Partition | null;
  /** CSV column names from the header line, lower-cased (DuckDB then reads the file without sniffing it). */
  csvHeader?: string[];
}

export type Ignored = IgnoredPath;

export interface Discovery {
  objects: LakeObject[];
  ignored: Ignored[];
}

const SNIFF_BYTES = 64 * 1024;
const IDENTIFY_CONCURRENCY = 8;

/**
 * Every play-log and user-log object under root (or root itself when it is a file), in path order, and
 * what was passed over: hidden files, markers, DuckDB files and their WALs, files that are not logs by
 * name and content, and what could not be read (each reported on its own; the rest still loads).
 */
export async function findObjects(root: string): Promise<Discovery> {
  const top = resolve(root);
  let info;
  try {
    info = await stat(top);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ApiError(
      'NOT_FOUND',
      code === 'ENOENT' || code === 'ENOTDIR' ? `${top} does not exist` : `${top} cannot be read (${code ?? (e as Error).message})`,
    );
  }
  const ignored: Ignored[] = [];
  const paths = info.isFile() ? [top] : await listFiles(top, ignored);
  // A few files at a time: each costs a stat, an open and a 64 KiB read (a gunzip for gzip), mostly waiting.
  const identified: (LakeObject | Ignored | null)[] = new Array(paths.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const rel = info.isFile() ? basename(paths[i]) : relative(top, paths[i]).split('\\').join('/');
      identified[i] = await identify(paths[i], rel).catch((e: NodeJS.ErrnoException) => ({ path: paths[i], reason: unreadable(e) }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(IDENTIFY_CONCURRENCY, paths.length) }, worker));
  const objects: LakeObject[] = [];
  for (const o of identified) {
    if (o && 'stream' in o) objects.push(o);
    else if (o) ignored.push(o);
  }
  ignored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { objects, ignored };
}

export function unreadable(e: NodeJS.ErrnoException): string {
  return `unreadable (${e.code ?? e.message}); tried again at the next import`;
}

/**
 * Walks the folder, one readdir per folder, so an unreadable folder costs only itself. Symlinks are
 * followed once: a folder reached again (a loop, or two links to one place) is reported, not walked twice.
 */
async function listFiles(top: string, ignored: Ignored[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>([await realpath(top)]);
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      ignored.push({ path: dir, reason: `unreadable folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); tried again at the next import` });
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, e.name);
      const why = ignoredName(e.name);
      if (why) {
        ignored.push({ path, reason: why });
        continue;
      }
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const target = await stat(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch (err) {
          ignored.push({ path, reason: `broken symlink (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
          continue;
        }
      }
      if (isDir) {
        const real = await realpath(path).catch(() => path);
        if (seen.has(real)) {
          ignored.push({ path, reason: `symlink to a folder already walked (${real}): a loop, or the same folder twice` });
          continue;
        }
        seen.add(real);
        await walk(path);
      } else if (isFile) files.push(path);
      else ignored.push({ path, reason: 'not a regular file' });
    }
  };
  await walk(top);
  return files.sort();
}

/** Hidden files, Spark/Glue markers (`_SUCCESS`, `_temporary`), partial downloads and DuckDB files are not objects. */
export function ignoredName(name: string): string | null {
  const lower = name.toLowerCase();
  if (name.startsWith('.')) return 'hidden';
  if (name.startsWith('_') || name.endsWith('$folder$')) return 'a Spark/Glue marker, not a log';
  if (lower.endsWith('.tmp') || lower.endsWith('.part')) return 'a partial download, not a log';
  if (/\.(duckdb|ddb|db)(\.wal|\.tmp)?$/.test(lower) || lower.endsWith('.wal')) return 'a DuckDB database or its write-ahead log, not a log';
  return null;
}

async function identify(path: string, rel: string): Promise<LakeObject | Ignored> {
  const s = await stat(path);
  const head = await readHead(path, s.size);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const parquet = head.subarray(0, 4).toString('latin1') === 'PAR1';
  const text = gzip ? gunzipPrefix(head) : parquet ? '' : headText(head);
  const name = rel.toLowerCase().replace(/\.gz$/, '');
  const format: LakeObject['format'] = parquet || name.endsWith('.parquet') ? 'parquet' : name.endsWith('.csv') || looksLikeCsv(text) ? 'csv' : 'json';
  if (head.subarray(8, 12).toString('latin1') === 'DUCK') return { path, reason: 'a DuckDB database, not a log' };
  const stream = parseStream(rel) ?? (await streamFromContent(path, s.size, parquet ? head : text));
  if (!stream) return { path, reason: 'not a play log or user log (by name and content)' };
  const object: LakeObject = {
    path,
    rel,
    size: s.size,
    mtimeMs: s.mtimeMs,
    stream,
    format,
    compression: gzip ? 'gzip' : 'none',
    partition: parsePartition(rel),
  };
  if (format === 'csv') object.csvHeader = splitCsvLine(text.split('\n', 1)[0].replace(/\r$/, '')).map((c) => c.trim().toLowerCase());
  return object;
}

async function readHead(path: string, size: number, at = 0): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, at);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The start of a gzip member, even when the sample ends mid-stream or the file is truncated. */
function gunzipPrefix(head: Buffer): string {
  try {
    return headText(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, SNIFF_BYTES));
  } catch {
    return '';
  }
}

function looksLikeCsv(text: string): boolean {
  const first = text.split('\n', 1)[0];
  return !/^\s*[[{]/.test(first) && first.includes(',') && /\b(posnewx|pidx|uclass)\b/.test(first);
}

/** Objects outside a `playlog/` or `userlog/` path are recognised by their columns (Parquet keeps them in the footer). */
async function streamFromContent(path: string, size: number, sample: Buffer | string): Promise<LogName | null> {
  let text = typeof sample === 'string' ? sample : sample.toString('latin1');
  if (typeof sample !== 'string' && size > SNIFF_BYTES) text += (await readHead(path, size, size - SNIFF_BYTES)).toString('latin1');
  if (text.includes('posnewx')) return 'playlog';
  if (text.includes('uclass')) return 'userlog';
  return null;
}

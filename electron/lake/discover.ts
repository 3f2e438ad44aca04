/**
 * Finds lake objects under a folder and tells what each one is — stream, partition, format and
 * compression — from its path and its first bytes (gzip without a `.gz` suffix, Parquet by magic).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { ApiError } from '../../shared/api/envelope.ts';
import type { LakeFile } from '../../shared/api/lake.ts';
import { parsePartition, parseStream, type Partition } from './layout.ts';
import { splitCsvLine } from './csvRecords.ts';
import type { StreamName } from './streams.ts';

export interface LakeObject {
  /** Absolute local path. */
  path: string;
  /** Path relative to the import root, with forward slashes. */
  rel: string;
  size: number;
  mtimeMs: number;
  stream: StreamName;
  format: LakeFile['format'];
  compression: LakeFile['compression'];
  partition: Partition | null;
  /** CSV column names from the header line, lower-cased (DuckDB then reads the file without sniffing it). */
  csvHeader?: string[];
}

const SNIFF_BYTES = 64 * 1024;
const IDENTIFY_CONCURRENCY = 8;

/** Every play-log and user-log object under root (or root itself when it is a file), in path order. */
export async function findObjects(root: string): Promise<LakeObject[]> {
  const top = resolve(root);
  let info;
  try {
    info = await stat(top);
  } catch {
    throw new ApiError('NOT_FOUND', `${top} does not exist`);
  }
  const paths = info.isFile() ? [top] : await listFiles(top);
  // A few files at a time: each costs a stat, an open and a 64 KiB read (a gunzip for gzip), mostly waiting.
  const identified: (LakeObject | null)[] = new Array(paths.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const rel = info.isFile() ? basename(paths[i]) : relative(top, paths[i]).split('\\').join('/');
      identified[i] = await identify(paths[i], rel);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IDENTIFY_CONCURRENCY, paths.length) }, worker));
  return identified.filter((o): o is LakeObject => o !== null);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !ignored(e.name) && !relative(dir, e.parentPath).split(/[\\/]/).some((s) => s.startsWith('.')))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Hidden files, Spark/Glue markers (`_SUCCESS`, `_temporary`) and partial downloads are not objects. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('.tmp') || name.endsWith('.part') || name.endsWith('$folder$');
}

async function identify(path: string, rel: string): Promise<LakeObject | null> {
  const s = await stat(path);
  const head = await readHead(path, s.size);
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const parquet = head.subarray(0, 4).toString('latin1') === 'PAR1';
  const text = gzip ? gunzipPrefix(head) : parquet ? '' : head.toString('utf8');
  const name = rel.toLowerCase().replace(/\.gz$/, '');
  const format: LakeObject['format'] = parquet || name.endsWith('.parquet') ? 'parquet' : name.endsWith('.csv') || looksLikeCsv(text) ? 'csv' : 'json';
  const stream = parseStream(rel) ?? (await streamFromContent(path, s.size, parquet ? head : text));
  if (!stream) return null;
  const object: LakeObject = { path, rel, size: s.size, mtimeMs: s.mtimeMs, stream, format, compression: gzip ? 'gzip' : 'none', partition: parsePartition(rel) };
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
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, SNIFF_BYTES).toString('utf8');
  } catch {
    return '';
  }
}

function looksLikeCsv(text: string): boolean {
  const first = text.split('\n', 1)[0];
  return !/^\s*[[{]/.test(first) && first.includes(',') && /\b(posnewx|pidx|uclass)\b/.test(first);
}

/** Objects outside a `playlog/` or `userlog/` path are recognised by their columns (Parquet keeps them in the footer). */
async function streamFromContent(path: string, size: number, sample: Buffer | string): Promise<StreamName | null> {
  let text = typeof sample === 'string' ? sample : sample.toString('latin1');
  if (typeof sample !== 'string' && size > SNIFF_BYTES) text += (await readHead(path, size, size - SNIFF_BYTES)).toString('latin1');
  if (text.includes('posnewx')) return 'playlog';
  if (text.includes('uclass')) return 'userlog';
  return null;
}

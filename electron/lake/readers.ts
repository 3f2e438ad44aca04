/**
 * Reads one object record by record into the staging table (see stage.ts), keeping line numbers:
 * JSON (lines, back-to-back records, arrays) and CSV through a byte scanner, Parquet through DuckDB.
 * A truncated gzip stream keeps every record before the cut and reports the cut as a bad line.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import type { LakeObject } from './discover.ts';
import { parsePiece, RecordScanner, type Piece } from './records.ts';
import { RAW_LIMIT, resetStage, stageTable } from './stage.ts';
import type { StreamSpec } from './streams.ts';

export async function stageObject(conn: DuckDBConnection, object: LakeObject, spec: StreamSpec, signal?: AbortSignal): Promise<void> {
  await resetStage(conn, spec);
  if (object.format === 'parquet') return stageParquet(conn, object, spec);
  const appender = await conn.createAppender(stageTable(spec), null, 'temp');
  try {
    const names = spec.columns.map((c) => c.name);
    const sink = new StageSink(appender, names.length);
    const handle = object.format === 'csv' ? csvHandler(names, sink) : (p: Piece) => sink.add(p.line, parsePiece(p, names), p.text);
    await scan(object, handle, sink, signal);
  } finally {
    appender.closeSync();
  }
}

class StageSink {
  private rec = 0;
  constructor(
    private appender: DuckDBAppender,
    private width: number,
  ) {}

  add(line: number, parsed: { values: (string | null)[] } | { reason: string }, raw: string): void {
    const a = this.appender;
    a.appendBigInt(BigInt(this.rec++));
    a.appendBigInt(BigInt(line));
    if ('reason' in parsed) {
      for (let i = 0; i < this.width; i++) a.appendNull();
      a.appendVarchar(parsed.reason);
      a.appendVarchar(raw.slice(0, RAW_LIMIT));
    } else {
      for (const v of parsed.values) if (v === null) a.appendNull();
      else a.appendVarchar(v);
      a.appendNull();
      a.appendVarchar(raw.slice(0, RAW_LIMIT));
    }
    a.endRow();
  }
}

/** Streams the object (gunzipping by magic, not by name) through the record scanner. */
async function scan(object: LakeObject, handle: (p: Piece) => void, sink: StageSink, signal?: AbortSignal): Promise<void> {
  const scanner = new RecordScanner();
  const file = createReadStream(object.path);
  const input = object.compression === 'gzip' ? file.pipe(createGunzip()) : file;
  if (object.compression === 'gzip') file.on('error', (e) => input.destroy(e));
  let broken: Error | null = null;
  try {
    for await (const chunk of input) {
      if (signal?.aborted) break;
      scanner.push(chunk as Buffer, handle);
    }
  } catch (e) {
    broken = e as Error;
  } finally {
    file.destroy();
  }
  if (!broken) return scanner.end(handle);
  // Everything before the break is kept; the piece it cut off, or the break itself, is one bad line.
  let cut = false;
  scanner.end((p) => {
    cut = true;
    sink.add(p.line, { reason: `cut off: ${describe(broken!)}` }, p.text);
  });
  if (!cut) sink.add(scanner.currentLine, { reason: describe(broken) }, '');
}

function describe(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) return 'truncated gzip stream (unexpected end of file)';
  if (code === 'Z_DATA_ERROR') return `corrupt gzip stream (${e.message})`;
  return `read error (${e.message})`;
}

/**
 * CSV as Glue writes it: a header naming the columns (any order), then one row per line. The scanner
 * hands over lines (a CSV row is "garbage" to a JSON scanner, which is exactly a line).
 */
function csvHandler(names: string[], sink: StageSink): (p: Piece) => void {
  let index: number[] | null = null;
  let width = 0;
  let headerError: string | null = null;
  return (p) => {
    const cells = splitCsvLine(p.text);
    if (index === null) {
      const header = cells.map((c) => c.trim().toLowerCase());
      width = header.length;
      index = names.map((n) => header.indexOf(n));
      const missing = names.filter((_, i) => index![i] < 0);
      if (missing.length) headerError = `the CSV header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
      return;
    }
    if (headerError) return sink.add(p.line, { reason: headerError }, p.text);
    if (cells.length !== width) return sink.add(p.line, { reason: `expected ${width} fields, found ${cells.length}` }, p.text);
    sink.add(p.line, { values: index.map((i) => (cells[i] === '' ? null : cells[i])) }, p.text);
  };
}

/** One CSV line into fields (RFC 4180 quotes within the line). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

/** Parquet rows as text with their row numbers; a file DuckDB cannot read at all fails here (the caller quarantines it). */
async function stageParquet(conn: DuckDBConnection, object: LakeObject, spec: StreamSpec): Promise<void> {
  const cols = spec.columns.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR)`).join(', ');
  const raw = `concat_ws(',', ${spec.columns.map((c) => `coalesce(CAST(${quoteIdent(c.name)} AS VARCHAR), 'NULL')`).join(', ')})`;
  await conn.run(
    `INSERT INTO ${stageTable(spec)} SELECT file_row_number, file_row_number + 1, ${cols}, NULL, ${raw} FROM read_parquet(${quoteLiteral(object.path)}, file_row_number = true)`,
  );
}

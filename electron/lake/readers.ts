/**
 * Reads one object record by record into the staging table (see stage.ts), keeping line numbers:
 * JSON (lines, back-to-back records, arrays) through a byte scanner, CSV as records that may span
 * lines (see csvRecords.ts), Parquet through DuckDB. A truncated gzip stream keeps every record
 * before the cut and reports the cut as a bad line.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { quoteIdent, quoteLiteral } from '../workspace/sqlText.ts';
import { CsvRecordReader, LineSplitter, type CsvRecord, type PhysicalLine } from './csvRecords.ts';
import type { LakeObject } from './discover.ts';
import { parsePiece, RecordScanner, type Piece } from './records.ts';
import { literalPath } from './sqlSpec.ts';
import { utf8Chunks } from './textEncoding.ts';
import { RAW_LIMIT, resetStage, stageTable } from './stage.ts';
import type { LogSpec } from './logs.ts';

export async function stageObject(conn: DuckDBConnection, object: LakeObject, spec: LogSpec, signal?: AbortSignal): Promise<void> {
  await resetStage(conn, spec);
  if (object.format === 'parquet') return stageParquet(conn, object, spec);
  const appender = await conn.createAppender(stageTable(spec), null, 'temp');
  try {
    const names = spec.columns.map((c) => c.name);
    const sink = new StageSink(appender, names.length);
    let cut: Cut | null;
    if (object.format === 'csv') {
      const csv = new CsvRecordReader(csvHandler(names, sink));
      cut = await scan(object, new LineSplitter(), (l) => csv.push(l.line, l.text), signal);
      csv.end();
    } else {
      const numeric = spec.columns.map((c) => c.type !== 'VARCHAR' && c.type !== 'TIMESTAMP');
      cut = await scan(object, new RecordScanner(), (p: Piece) => sink.add(p.line, parsePiece(p, names, numeric), p.text), signal);
    }
    if (cut) sink.add(cut.line, { reason: cut.reason }, cut.text);
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
      for (const v of parsed.values)
        if (v === null) a.appendNull();
        else a.appendVarchar(v);
      a.appendNull();
      a.appendVarchar(raw.slice(0, RAW_LIMIT));
    }
    a.endRow();
  }
}

/** Where a stream broke off: the piece it cut, or the break itself at the line reached. */
interface Cut {
  line: number;
  text: string;
  reason: string;
}

/** What splits the bytes: JSON records (RecordScanner) or physical lines (LineSplitter). */
interface ByteScanner<P extends PhysicalLine> {
  readonly currentLine: number;
  push(chunk: Buffer, emit: (p: P) => void): void;
  end(emit: (p: P) => void): void;
}

/** Streams the object (gunzipping by magic, not by name) through the scanner; returns where it broke, if it did. */
async function scan<P extends PhysicalLine>(object: LakeObject, scanner: ByteScanner<P>, handle: (p: P) => void, signal?: AbortSignal): Promise<Cut | null> {
  const file = createReadStream(object.path);
  const input = object.compression === 'gzip' ? file.pipe(createGunzip()) : file;
  if (object.compression === 'gzip') file.on('error', (e) => input.destroy(e));
  let broken: Error | null = null;
  try {
    for await (const chunk of utf8Chunks(input)) {
      if (signal?.aborted) break;
      scanner.push(chunk, handle);
    }
  } catch (e) {
    // The file system failing (vanished, EIO) says nothing about the object's bytes: the caller retries.
    if (typeof (e as NodeJS.ErrnoException).syscall === 'string') throw e;
    broken = e as Error;
  } finally {
    file.destroy();
  }
  if (!broken) {
    scanner.end(handle);
    return null;
  }
  // Everything before the break is kept; the piece it cut off, or the break itself, is one bad line.
  let cut: Cut | null = null;
  scanner.end((p) => (cut = { line: p.line, text: p.text, reason: `cut off: ${describe(broken!)}` }));
  return cut ?? { line: scanner.currentLine, text: '', reason: describe(broken) };
}

function describe(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) return 'truncated gzip stream (unexpected end of file)';
  if (code === 'Z_DATA_ERROR') return `corrupt gzip stream (${e.message})`;
  return `read error (${e.message})`;
}

/**
 * CSV as Glue writes it: a header naming the columns (any order), then one record per row; a quoted
 * field may span lines, and the record keeps the number of its first line.
 */
function csvHandler(names: string[], sink: StageSink): (r: CsvRecord) => void {
  let index: number[] | null = null;
  let width = 0;
  let headerError: string | null = null;
  return (r) => {
    if ('reason' in r) return sink.add(r.line, r, r.text);
    if (index === null) {
      const header = r.fields.map((c) => c.trim().toLowerCase());
      width = header.length;
      index = names.map((n) => header.indexOf(n));
      const missing = names.filter((_, i) => index![i] < 0);
      if (missing.length) headerError = `the CSV header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
      return;
    }
    if (headerError) return sink.add(r.line, { reason: headerError }, r.text);
    if (r.fields.length !== width) return sink.add(r.line, { reason: `expected ${width} fields, found ${r.fields.length}` }, r.text);
    sink.add(r.line, { values: index.map((i) => (r.fields[i] === '' ? null : r.fields[i])) }, r.text);
  };
}

/** Parquet rows as text with their row numbers; a file DuckDB cannot read at all fails here (the caller quarantines it). */
async function stageParquet(conn: DuckDBConnection, object: LakeObject, spec: LogSpec): Promise<void> {
  const cols = spec.columns.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR)`).join(', ');
  const raw = `concat_ws(',', ${spec.columns.map((c) => `coalesce(CAST(${quoteIdent(c.name)} AS VARCHAR), 'NULL')`).join(', ')})`;
  await conn.run(
    `INSERT INTO ${stageTable(spec)} SELECT file_row_number, file_row_number + 1, ${cols}, NULL, ${raw} FROM read_parquet(${quoteLiteral(literalPath(object.path))}, file_row_number = true)`,
  );
}

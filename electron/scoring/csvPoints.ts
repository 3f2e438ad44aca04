import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** The score command's CSV files at byte level: read into points to score, written back with the scores appended. */

/** A file the reader or writer cannot use (missing, no header, a value that is not a number, unwritable): one line for the user. */
export class CsvFileError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// CSV in: lines are kept as the bytes they were read in (so they are written back unchanged), and the
// chosen columns are parsed straight from those bytes into one row-major Float64Array.

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
/** Exact powers of ten: m / 10^k with m < 2^53 and k ≤ 22 is then correctly rounded (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

interface Block {
  buf: Buffer;
  /** Row r spans buf[starts[r], ends[r]) without its line ending. */
  starts: Int32Array;
  ends: Int32Array;
}

export interface CsvPoints {
  headerLine: Buffer;
  columns: string[];
  dims: number;
  points: Float64Array;
  rows: number;
  blocks: Block[];
}

/**
 * Reads a CSV with a header; `wanted` names the columns to parse as numbers (default: every column).
 * Throws CsvFileError for a missing file, a bad header or a value that is not a number.
 */
export async function readCsvPoints(path: string, wanted: string[] | undefined): Promise<CsvPoints> {
  let carry: Buffer = Buffer.alloc(0);
  let parser: RowParser | null = null;
  let headerLine: Buffer | null = null;
  let lineNo = 0;
  const blocks: Block[] = [];
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lastNl = chunk.lastIndexOf(LF);
      if (lastNl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, lastNl + 1)]) : chunk.subarray(0, lastNl + 1);
      carry = Buffer.from(chunk.subarray(lastNl + 1));
      if (!parser) {
        const nl = buf.indexOf(LF);
        headerLine = buf.subarray(0, lineEnd(buf, 0, nl));
        parser = new RowParser(splitFields(headerLine.toString('utf8')), wanted);
        buf = buf.subarray(nl + 1);
        lineNo = 1;
      }
      lineNo = parser.parseBlock(buf, blocks, lineNo);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CsvFileError(`cannot read ${path}: no such file`);
    throw e;
  }
  if (carry.length) {
    const last = Buffer.concat([carry, Buffer.from('\n')]);
    if (!parser) {
      headerLine = last.subarray(0, lineEnd(last, 0, last.length - 1));
      parser = new RowParser(splitFields(headerLine.toString('utf8')), wanted);
    } else parser.parseBlock(last, blocks, lineNo);
  }
  if (!parser || !headerLine) throw new CsvFileError(`${path} is empty: expected a header line`);
  if (parser.rows === 0) throw new CsvFileError(`${path} has a header but no rows to score`);
  return { headerLine, columns: parser.names, dims: parser.dims, points: parser.points, rows: parser.rows, blocks };
}

function lineEnd(buf: Buffer, start: number, nl: number): number {
  return nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
}

/** Splits one CSV line (RFC 4180 quotes) into strings; used for the header and for lines with quotes. */
function splitFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new CsvFileError(`unterminated quote in line: ${line.slice(0, 80)}`);
        field += line.slice(i, q);
        i = q + 1;
        if (line[i] !== '"') break;
        field += '"';
        i++;
      }
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      field = line.slice(i, comma < 0 ? line.length : comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
    out.push(field);
    if (i > line.length) return out;
  }
}

class RowParser {
  readonly names: string[];
  readonly dims: number;
  points = new Float64Array(1 << 16);
  rows = 0;
  /** For each field of a line, the dimension it feeds, or -1. */
  private dimOf: Int32Array;
  private lastField: number;

  constructor(header: string[], wanted: string[] | undefined) {
    const names = wanted ?? header;
    for (const name of names) {
      if (!header.includes(name)) throw new CsvFileError(`no column "${name}" in the header (columns: ${header.join(', ')})`);
    }
    if (new Set(names).size !== names.length) throw new CsvFileError('--columns lists a column twice');
    this.names = names;
    this.dims = names.length;
    this.dimOf = Int32Array.from(header, (h) => names.indexOf(h));
    this.lastField = Math.max(...names.map((n) => header.indexOf(n)));
  }

  /** Parses every complete line of buf (which ends with a newline); returns the next line number. */
  parseBlock(buf: Buffer, blocks: Block[], lineNo: number): number {
    const starts: number[] = [];
    const ends: number[] = [];
    // Only blocks with a quote somewhere pay for the per-line check.
    const quotes = buf.indexOf(QUOTE) >= 0;
    let s = 0;
    while (s < buf.length) {
      const nl = buf.indexOf(LF, s);
      const e = lineEnd(buf, s, nl);
      lineNo++;
      if (e > s) {
        this.parseLine(buf, s, e, lineNo, quotes);
        starts.push(s);
        ends.push(e);
      }
      s = nl + 1;
    }
    blocks.push({ buf, starts: Int32Array.from(starts), ends: Int32Array.from(ends) });
    return lineNo;
  }

  private parseLine(buf: Buffer, s: number, e: number, lineNo: number, quotes: boolean): void {
    if (this.rows * this.dims === this.points.length) {
      const grown = new Float64Array(this.points.length * 2);
      grown.set(this.points);
      this.points = grown;
    }
    const base = this.rows * this.dims;
    const { dimOf, points } = this;
    if (quotes && buf.subarray(s, e).includes(QUOTE)) {
      const fields = splitFields(buf.toString('utf8', s, e));
      if (fields.length <= this.lastField) this.tooFewFields(fields.length, lineNo);
      for (let f = 0; f <= this.lastField; f++) {
        const d = dimOf[f];
        if (d < 0) continue;
        const v = Number(fields[f].trim() || NaN);
        if (v - v !== 0) this.notANumber(fields[f], d, lineNo);
        points[base + d] = v;
      }
    } else {
      let field = 0;
      let i = s;
      while (field <= this.lastField) {
        let j = i;
        while (j < e && buf[j] !== COMMA) j++;
        const d = dimOf[field];
        if (d >= 0) {
          const v = parseNumber(buf, i, j);
          if (v - v !== 0) this.notANumber(buf.toString('utf8', i, j), d, lineNo); // NaN, ±Infinity, text
          points[base + d] = v;
        }
        field++;
        if (j >= e) break;
        i = j + 1;
      }
      if (field <= this.lastField) this.tooFewFields(field, lineNo);
    }
    this.rows++;
  }

  private notANumber(text: string, d: number, lineNo: number): never {
    throw new CsvFileError(`column '${this.names[d]}' line ${lineNo}: ${JSON.stringify(text)} is not a number the forest can score`);
  }

  private tooFewFields(count: number, lineNo: number): never {
    throw new CsvFileError(`line ${lineNo} has ${count} fields, fewer than the columns to score need`);
  }
}

/** Decimal numbers straight from bytes; anything unusual (exponents, long mantissas, text) goes to Number(). */
function parseNumber(buf: Buffer, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (buf[i] === MINUS) {
    neg = true;
    i++;
  } else if (buf[i] === PLUS) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  for (; i < b; i++) {
    const c = buf[i] - ZERO;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
    digits++;
  }
  if (i < b && buf[i] === DOT) {
    for (i++; i < b; i++) {
      const c = buf[i] - ZERO;
      if (c < 0 || c > 9) break;
      m = m * 10 + c;
      digits++;
      frac++;
    }
  }
  if (i === b && digits > 0 && digits <= 15) return (neg ? -m : m) / POW10[frac];
  const text = buf.toString('latin1', a, b).trim();
  return text === '' ? NaN : Number(text);
}

// ---------------------------------------------------------------------------------------------------------
// CSV out: each row's original bytes, then the new columns with 6 decimals (the reference files' precision).

/** Writes the rows with `extra` appended: the scores, then (extra.length − 1) values per row from `table` (NaN writes an empty field). */
export async function writeScoredCsv(path: string, csv: CsvPoints, extra: string[], scores: Float64Array, table: Float64Array | undefined): Promise<void> {
  const out = createWriteStream(path);
  const done = once(out, 'finish');
  const failed = once(out, 'error').then(([e]) => {
    throw new CsvFileError(`cannot write ${path}: ${(e as Error).message}`);
  });
  const write = async (buf: Buffer) => {
    if (!out.write(buf)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write(Buffer.concat([csv.headerLine, Buffer.from(',' + extra.join(',') + '\n')]));
  const width = table ? extra.length - 1 : 0;
  // Scores and attributions are below log2(samples + 1) ≤ 12, so 24 bytes per number is ample; expected
  // values are in the input's units and may need more digits.
  let big = 1;
  for (let x = 0; x < (table?.length ?? 0); x++) if (Math.abs(table![x]) > big) big = Math.abs(table![x]);
  const numberBytes = 24 + Math.ceil(Math.log10(big));
  let row = 0;
  for (const block of csv.blocks) {
    const count = block.starts.length;
    const buf = Buffer.allocUnsafe(block.buf.length + count * (1 + (1 + width) * numberBytes));
    let pos = 0;
    for (let r = 0; r < count; r++, row++) {
      pos += block.buf.copy(buf, pos, block.starts[r], block.ends[r]);
      pos = writeFixed(buf, pos, scores[row]);
      for (let x = 0; x < width; x++) pos = writeFixed(buf, pos, table![row * width + x]);
      buf[pos++] = LF;
    }
    await write(buf.subarray(0, pos));
  }
  out.end();
  await Promise.race([done, failed]);
}

/** Writes ",<x with 6 decimals>" into buf at pos; returns the new position. */
function writeFixed(buf: Buffer, pos: number, x: number): number {
  buf[pos++] = COMMA;
  if (Number.isNaN(x)) return pos;
  if (x < 0) {
    buf[pos++] = MINUS;
    x = -x;
  }
  const v = Math.round(x * 1e6);
  let int = Math.floor(v / 1e6);
  let frac = v - int * 1e6;
  const start = pos;
  do {
    buf[pos++] = ZERO + (int % 10);
    int = Math.floor(int / 10);
  } while (int > 0);
  buf.subarray(start, pos).reverse();
  buf[pos++] = DOT;
  for (let k = 5; k >= 0; k--) {
    buf[pos + k] = ZERO + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return pos + 6;
}

/**
 * Finds JSON records in a byte stream the way Firehose leaves them: one per line, or back to back
 * (`}{`) when the producer added no newlines, or — wrongly — as one JSON array. Whatever is not a
 * record (binary garbage, a cut-off line) comes out as its own piece with the line it started on, so
 * the importer can quarantine it and keep every good record around it. Records never span lines
 * (outside a JSON array), so one broken line cannot swallow the lines after it.
 */

export type PieceKind = 'object' | 'garbage' | 'unterminated' | 'oversized';

export interface Piece {
  kind: PieceKind;
  /** 1-based line the piece starts on. */
  line: number;
  text: string;
}

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

const NONE = 0;
const OBJECT = 1;
const GARBAGE = 2;

export class RecordScanner {
  private line = 1;
  private state = NONE;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private startLine = 1;
  private seenContent = false;
  private inArray = false;
  /** The start of the piece in progress from earlier chunks: kept as a list (one concat per piece, however long). */
  private carry: Buffer[] = [];
  private carried = 0;

  /** The line the scanner has reached (for reporting where a stream broke off). */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: Buffer, emit: (p: Piece) => void): void {
    let start = 0;
    const n = chunk.length;
    const text = (end: number) => {
      const bytes = this.carry.length ? Buffer.concat([...this.carry, chunk.subarray(start, end)]) : chunk.subarray(start, end);
      this.carry = [];
      this.carried = 0;
      return bytes.toString('utf8');
    };
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (this.state === NONE) {
        if (b === NL) this.line++;
        else if (b === SP || b === TAB || b === CR) continue;
        else if (b === OPEN_ARRAY && !this.seenContent) this.inArray = this.seenContent = true;
        else if (this.inArray && b === COMMA) continue;
        else if (this.inArray && b === CLOSE_ARRAY) this.inArray = false;
        else {
          this.seenContent = true;
          start = i;
          this.startLine = this.line;
          if (b === OPEN) {
            this.state = OBJECT;
            this.depth = 1;
            this.inString = this.escaped = false;
          } else {
            this.state = GARBAGE;
          }
        }
      } else if (b === NL && (this.state === GARBAGE || !this.inArray)) {
        emit({ kind: this.state === GARBAGE ? 'garbage' : 'unterminated', line: this.startLine, text: text(i).trimEnd() });
        this.state = NONE;
        this.line++;
      } else if (this.state === OBJECT) {
        if (b === NL) this.line++;
        else if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (b === BACKSLASH) this.escaped = true;
          else if (b === QUOTE) this.inString = false;
        } else if (b === QUOTE) this.inString = true;
        else if (b === OPEN) this.depth++;
        else if (b === CLOSE && --this.depth === 0) {
          const piece = text(i + 1);
          emit(
            this.tooLong
              ? { kind: 'oversized', line: this.startLine, text: piece.slice(0, KEEP_BYTES) }
              : { kind: 'object', line: this.startLine, text: piece },
          );
          this.tooLong = false;
          this.state = NONE;
        }
      }
    }
    if (this.state !== NONE) this.keep(chunk.subarray(start));
  }

  private tooLong = false;

  /** Garbage is kept only as far as a quarantine shows it; a record only up to MAX_RECORD_BYTES (then it is garbage). */
  private keep(part: Buffer): void {
    const cap = this.state === GARBAGE || this.tooLong ? KEEP_BYTES : MAX_RECORD_BYTES;
    if (this.carried + part.length > cap) {
      if (this.state === OBJECT && !this.tooLong) this.tooLong = true;
      part = part.subarray(0, Math.max(0, KEEP_BYTES - this.carried));
    }
    if (part.length) {
      this.carry.push(part);
      this.carried += part.length;
    }
  }

  /** Flushes a piece the input ended in the middle of. */
  end(emit: (p: Piece) => void): void {
    if (this.state !== NONE && this.carry.length) {
      const text = Buffer.concat(this.carry).toString('utf8').trimEnd();
      emit({ kind: this.state === GARBAGE ? 'garbage' : 'unterminated', line: this.startLine, text });
    }
    this.state = NONE;
    this.carry = [];
    this.carried = 0;
    this.tooLong = false;
  }
}

/** DuckDB's own reader refuses JSON objects past 16 MB by default; the careful path keeps up to this. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** What is kept of garbage (the quarantine shows 10,000 characters of it). */
const KEEP_BYTES = 64 * 1024;

export type Parsed = { values: (string | null)[] } | { reason: string };

/**
 * Why a piece is not a usable record, or its column values as text (DuckDB casts and checks them).
 * A JSON boolean in a `numeric` column reads as 1 / 0, as DuckDB's reader reads it on the fast path.
 */
export function parsePiece(piece: Piece, columns: readonly string[], numeric: readonly boolean[] = []): Parsed {
  if (piece.kind === 'garbage') return { reason: looksBinary(piece.text) ? 'binary data, not JSON' : 'not a JSON object' };
  if (piece.kind === 'unterminated') return { reason: 'unterminated JSON record (cut off)' };
  if (piece.kind === 'oversized') return { reason: `JSON record longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB` };
  let value: unknown;
  try {
    value = JSON.parse(piece.text);
  } catch (e) {
    return { reason: `malformed JSON: ${(e as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  const missing: string[] = [];
  const nulls: string[] = [];
  const values: (string | null)[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    const v = typeof record[c] === 'boolean' && numeric[i] ? Number(record[c]) : record[c];
    if (v === undefined) missing.push(c);
    else if (v === null) nulls.push(c);
    else if (typeof v === 'object') return { reason: `${c} is not a scalar value` };
    values.push(v === undefined || v === null ? null : String(v));
  }
  if (missing.length) return { reason: `missing field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` };
  if (nulls.length) return { reason: `null value in ${nulls.join(', ')}` };
  return { values };
}

function looksBinary(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
}

/**
 * Finds JSON records in a byte stream the way Firehose leaves them: one per line, or back to back
 * (`}{`) when the producer added no newlines, or — wrongly — as one JSON array. Whatever is not a
 * record (binary garbage, a cut-off line) comes out as its own piece with the line it started on, so
 * the importer can quarantine it and keep every good record around it. Records never span lines
 * (outside a JSON array), so one broken line cannot swallow the lines after it.
 */

export type PieceKind = 'object' | 'garbage' | 'unterminated';

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
  private carry: Buffer | null = null;

  /** The line the scanner has reached (for reporting where a stream broke off). */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: Buffer, emit: (p: Piece) => void): void {
    let buf = chunk;
    let i = 0;
    let start = 0;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      i = this.carry.length;
      this.carry = null;
    }
    const n = buf.length;
    for (; i < n; i++) {
      const b = buf[i];
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
        emit({ kind: this.state === GARBAGE ? 'garbage' : 'unterminated', line: this.startLine, text: buf.toString('utf8', start, i).trimEnd() });
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
          emit({ kind: 'object', line: this.startLine, text: buf.toString('utf8', start, i + 1) });
          this.state = NONE;
        }
      }
    }
    if (this.state !== NONE) this.carry = buf.subarray(start);
  }

  /** Flushes a piece the input ended in the middle of. */
  end(emit: (p: Piece) => void): void {
    if (this.state !== NONE && this.carry) {
      const text = this.carry.toString('utf8').trimEnd();
      emit({ kind: this.state === GARBAGE ? 'garbage' : 'unterminated', line: this.startLine, text });
    }
    this.state = NONE;
    this.carry = null;
  }
}

export type Parsed = { values: (string | null)[] } | { reason: string };

/** Why a piece is not a usable record, or its column values as text (DuckDB casts and checks them). */
export function parsePiece(piece: Piece, columns: readonly string[]): Parsed {
  if (piece.kind === 'garbage') return { reason: looksBinary(piece.text) ? 'binary data, not JSON' : 'not a JSON object' };
  if (piece.kind === 'unterminated') return { reason: 'unterminated JSON record (cut off)' };
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
  for (const c of columns) {
    const v = record[c];
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

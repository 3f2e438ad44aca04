/**
 * CSV records for the careful path (RFC 4180): a quoted field may hold line breaks, so a record can
 * span physical lines. Records are numbered by their first line. A quote that is never closed would
 * otherwise swallow the rest of the file, so an open record is given up after a cap (or at the end of
 * the file): its first line is quarantined and the lines after it are read again as records of their own.
 */

/** One physical line, 1-based, without its line break. */
export interface PhysicalLine {
  line: number;
  text: string;
}

/** A record's fields, or why its first line is not a record. `text` is the raw record (its lines joined by \n). */
export type CsvRecord = { line: number; text: string; fields: string[] } | { line: number; text: string; reason: string };

export interface RecordLimits {
  /** Physical lines one record may span. */
  lines: number;
  /** Characters one record may hold. */
  chars: number;
}

export const RECORD_LIMITS: RecordLimits = { lines: 10_000, chars: 1 << 20 };

interface FieldState {
  fields: string[];
  field: string;
  quoted: boolean;
  /** At the start of a field: only there does a quote open a quoted field (elsewhere it is a character, as DuckDB reads it). */
  fresh: boolean;
  /** Just after a closing quote: only a delimiter or the end of the record may follow. */
  closed: boolean;
  /** Text followed a closing quote: the quotes do not pair up as the writer meant. */
  stray: boolean;
}

function freshState(): FieldState {
  return { fields: [], field: '', quoted: false, fresh: true, closed: false, stray: false };
}

/** Adds `text` to the record being parsed; `quoted` stays true when a quoted field is still open at its end. */
function parseInto(s: FieldState, text: string): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (s.quoted) {
      if (ch === '"' && text[i + 1] === '"') ((s.field += '"'), i++);
      else if (ch === '"') ((s.quoted = false), (s.closed = true));
      else s.field += ch;
    } else if (ch === ',') {
      s.fields.push(s.field);
      s.field = '';
      s.fresh = true;
      s.closed = false;
    } else if (ch === '"' && s.fresh) {
      s.quoted = true;
      s.fresh = false;
    } else {
      if (s.closed) s.stray = true;
      s.field += ch;
      s.fresh = false;
    }
  }
}

/** One CSV line into fields (a quote left open runs to the end of the line). */
export function splitCsvLine(line: string): string[] {
  const s = freshState();
  parseInto(s, line);
  s.fields.push(s.field);
  return s.fields;
}

/** A line read alone is a whole record of `width` fields, quotes paired. */
function wholeRecord(line: string, width: number): boolean {
  const s = freshState();
  parseInto(s, line);
  return !s.quoted && !s.stray && s.fields.length + 1 === width;
}

/** Physical lines into CSV records; blank lines between records are skipped. */
export class CsvRecordReader {
  private open: PhysicalLine[] = [];
  private chars = 0;
  private state: FieldState = freshState();
  /** Fields in the first record (the header): a record spanning lines must have as many. */
  private width: number | null = null;

  constructor(
    private emit: (r: CsvRecord) => void,
    private limits: RecordLimits = RECORD_LIMITS,
  ) {}

  push(line: number, text: string): void {
    this.feedAll([{ line, text }]);
  }

  /** The input is over: a record still open has no closing quote. */
  end(): void {
    while (this.open.length > 0) this.feedAll(this.giveUp('no closing quote before the end of the file'));
  }

  /** Feeds lines in order; a give-up hands back the lines to read again ahead of the rest. */
  private feedAll(lines: PhysicalLine[]): void {
    let todo = lines;
    for (let i = 0; i < todo.length; i++) {
      const again = this.feed(todo[i]);
      if (again) {
        todo = again.concat(todo.slice(i + 1));
        i = -1;
      }
    }
  }

  private feed(l: PhysicalLine): PhysicalLine[] | null {
    if (this.open.length === 0 && l.text.trim() === '') return null;
    this.open.push(l);
    this.chars += l.text.length + 1;
    parseInto(this.state, l.text);
    if (!this.state.quoted) {
      const { fields, field, stray } = this.state;
      fields.push(field);
      const first = this.open[0].line;
      if (this.open.length > 1) {
        // A quote that opened on one line and closed lines later is a quoted line break only if the
        // record is well formed; two stray quotes would otherwise swallow the good lines between them.
        const width = this.width;
        const inner = this.open.slice(1, -1);
        if (stray) return this.giveUp('its closing quote, lines later, is followed by more text');
        if (width !== null && fields.length !== width) return this.giveUp(`closing it lines later gives ${fields.length} fields, not ${width}`);
        if (width !== null && inner.some((o) => wholeRecord(o.text, width))) return this.giveUp('the lines before its closing quote are records of their own');
      }
      const text = this.open.length === 1 ? l.text : this.open.map((o) => o.text).join('\n');
      this.reset();
      this.width ??= fields.length;
      this.emit(stray ? { line: first, text, reason: 'text after a closing quote (a stray quote)' } : { line: first, text, fields });
      return null;
    }
    this.state.field += '\n';
    if (this.open.length >= this.limits.lines) return this.giveUp(`no closing quote within ${this.limits.lines.toLocaleString('en-US')} lines`);
    if (this.chars >= this.limits.chars) return this.giveUp(`no closing quote within ${this.limits.chars.toLocaleString('en-US')} characters`);
    return null;
  }

  /** Quarantines the open record's first line; returns the lines after it, to be read again. */
  private giveUp(why: string): PhysicalLine[] {
    const [first, ...rest] = this.open;
    this.reset();
    this.emit({ line: first.line, text: first.text, reason: `unterminated quoted field (${why})` });
    return rest;
  }

  private reset(): void {
    this.open = [];
    this.chars = 0;
    this.state = freshState();
  }
}

/** Splits a byte stream into physical lines (LF or CRLF), keeping every character of each line. */
export class LineSplitter {
  private line = 1;
  /** The start of a line that has no line break yet, chunk by chunk (one concat per line, however long). */
  private carry: Buffer[] = [];

  /** The line the splitter has reached (for reporting where a stream broke off). */
  get currentLine(): number {
    return this.line;
  }

  push(chunk: Buffer, emit: (l: PhysicalLine) => void): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const bytes = this.carry.length ? Buffer.concat([...this.carry, chunk.subarray(start, nl)]) : chunk.subarray(start, nl);
      this.carry = [];
      emit({ line: this.line++, text: lineText(bytes) });
      start = nl + 1;
    }
    if (start < chunk.length) this.carry.push(chunk.subarray(start));
  }

  /** Flushes a last line that has no line break. */
  end(emit: (l: PhysicalLine) => void): void {
    if (this.carry.length) emit({ line: this.line, text: lineText(Buffer.concat(this.carry)) });
    this.carry = [];
  }
}

function lineText(bytes: Buffer): string {
  return bytes.toString('utf8', 0, bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length);
}

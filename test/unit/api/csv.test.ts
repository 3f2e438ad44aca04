import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../../shared/csv.ts';

describe('CSV writer', () => {
  it('quotes per RFC 4180 and ends rows in CRLF', () => {
    expect(
      csvDocument(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it('neutralises formula injection in text, never in numbers', () => {
    const opts = { neutralizeFormulas: true };
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'].map((v) => csvCell(v, opts))).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", `"'\rx"`]);
    expect(csvCell(-1.5, opts)).toBe('-1.5');
    expect(csvCell('=1', {})).toBe('=1');
  });
});

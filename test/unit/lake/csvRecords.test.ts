import { describe, expect, it } from 'vitest';
import { CsvRecordReader, LineSplitter, type CsvRecord, type PhysicalLine, type RecordLimits } from '../../../electron/lake/csvRecords.ts';

function split(bytes: Buffer, chunk: number): PhysicalLine[] {
  const out: PhysicalLine[] = [];
  const s = new LineSplitter();
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk), (l) => out.push(l));
  s.end((l) => out.push(l));
  return out;
}

function records(text: string, limits?: RecordLimits): CsvRecord[] {
  const out: CsvRecord[] = [];
  const reader = new CsvRecordReader((r) => out.push(r), limits);
  for (const l of split(Buffer.from(text), 5)) reader.push(l.line, l.text);
  reader.end();
  return out;
}

describe('LineSplitter', () => {
  it('keeps every character of every line, numbered, whatever the chunking', () => {
    const text = '  a,b  \r\n\n"ü,€"\r\n{x}\nlast';
    const want = [
      { line: 1, text: '  a,b  ' },
      { line: 2, text: '' },
      { line: 3, text: '"ü,€"' },
      { line: 4, text: '{x}' },
      { line: 5, text: 'last' },
    ];
    // Chunks of 1 byte cut the two-byte and three-byte characters, and CRLF, in half.
    for (const chunk of [1, 2, 3, 7, 64]) expect(split(Buffer.from(text), chunk), `chunk ${chunk}`).toEqual(want);
  });

  it('reports the line it reached when a stream breaks between lines', () => {
    const s = new LineSplitter();
    s.push(Buffer.from('a\nb\n'), () => {});
    expect(s.currentLine).toBe(3);
  });
});

describe('CsvRecordReader', () => {
  it('joins the lines of a quoted field, numbering the record by its first line', () => {
    const text = 'id,note,n\n1,plain,2\n2,"first\n\n  second, with a comma\nsay ""hi""",3\n3,"""quoted""",4\n';
    expect(records(text)).toEqual([
      { line: 1, text: 'id,note,n', fields: ['id', 'note', 'n'] },
      { line: 2, text: '1,plain,2', fields: ['1', 'plain', '2'] },
      { line: 3, text: '2,"first\n\n  second, with a comma\nsay ""hi""",3', fields: ['2', 'first\n\n  second, with a comma\nsay "hi"', '3'] },
      { line: 7, text: '3,"""quoted""",4', fields: ['3', '"quoted"', '4'] },
    ]);
  });

  it('skips blank lines between records and reads CRLF files the same', () => {
    expect(records('a,b\r\n\r\n1,"x\r\ny"\r\n   \r\n2,z\r\n').map((r) => [r.line, 'fields' in r ? r.fields : r.reason])).toEqual([
      [1, ['a', 'b']],
      [3, ['1', 'x\ny']],
      [6, ['2', 'z']],
    ]);
  });

  it('a stray quote costs its own line once the cap is reached, and the lines after it are read again', () => {
    const lines = ['id,v', '1,ok', '2,"stray', ...Array.from({ length: 8 }, (_, i) => `${i + 3},fine`)];
    const out = records(lines.join('\n') + '\n', { lines: 4, chars: 1_000_000 });
    expect(out[2]).toEqual({ line: 3, text: '2,"stray', reason: 'unterminated quoted field (no closing quote within 4 lines)' });
    expect(out.filter((r) => 'fields' in r).map((r) => r.line)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(out).toHaveLength(11);
  });

  it('gives up at the character cap too, and at the end of the file', () => {
    const long = records(`1,"${'x'.repeat(50)}\n${'y'.repeat(50)}\n2,after\n`, { lines: 100, chars: 80 });
    expect(long.map((r) => [r.line, 'fields' in r ? r.fields : r.reason])).toEqual([
      [1, 'unterminated quoted field (no closing quote within 80 characters)'],
      [2, ['y'.repeat(50)]],
      [3, ['2', 'after']],
    ]);
    expect(records('a,b\n1,"open\n2,x\n3,y').map((r) => [r.line, 'fields' in r ? r.fields : r.reason])).toEqual([
      [1, ['a', 'b']],
      [2, 'unterminated quoted field (no closing quote before the end of the file)'],
      [3, ['2', 'x']],
      [4, ['3', 'y']],
    ]);
  });

  it('puts every non-blank line in exactly one record, in order, whatever the quotes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const pieces = ['a', 'b,c', '"', '""', ' ', '', 'd"e', '"f,g"'];
      const lines = Array.from({ length: 1 + Math.floor(rand() * 30) }, () =>
        Array.from({ length: Math.floor(rand() * 4) }, () => pieces[Math.floor(rand() * pieces.length)]).join(''),
      );
      const out = records(lines.join('\n'), { lines: 1 + Math.floor(rand() * 6), chars: 1_000 });
      const covered: number[] = [];
      for (const r of out) {
        r.text.split('\n').forEach((t, i) => {
          expect(t).toBe(lines[r.line - 1 + i]);
          covered.push(r.line + i);
        });
      }
      const nonBlank = lines.flatMap((t, i) => (t.trim() === '' ? [] : [i + 1]));
      // Blank lines count only inside a record; each line is covered once and in order.
      expect(covered).toEqual([...covered].sort((x, y) => x - y));
      expect(new Set(covered).size).toBe(covered.length);
      expect(nonBlank.filter((n) => !covered.includes(n))).toEqual([]);
    }
  });
});

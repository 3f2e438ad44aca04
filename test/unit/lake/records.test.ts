import { describe, expect, it } from 'vitest';
import { parsePiece, RecordScanner, type Piece } from '../../../electron/lake/records.ts';
import { splitCsvLine } from '../../../electron/lake/csvRecords.ts';

function scan(text: string, chunk = 7): Piece[] {
  const out: Piece[] = [];
  const s = new RecordScanner();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk), (p) => out.push(p));
  s.end((p) => out.push(p));
  return out;
}

describe('RecordScanner', () => {
  it('finds one record per line, with line numbers, across chunk boundaries', () => {
    const pieces = scan('{"a":1}\n{"a":"}{"}\r\n\n{"a":3}\n');
    expect(pieces).toEqual([
      { kind: 'object', line: 1, text: '{"a":1}' },
      { kind: 'object', line: 2, text: '{"a":"}{"}' },
      { kind: 'object', line: 4, text: '{"a":3}' },
    ]);
  });

  it('splits records that arrive back to back without newlines', () => {
    const pieces = scan('{"a":1}{"a":{"b":2}}{"a":3}');
    expect(pieces.map((p) => [p.kind, p.line, p.text])).toEqual([
      ['object', 1, '{"a":1}'],
      ['object', 1, '{"a":{"b":2}}'],
      ['object', 1, '{"a":3}'],
    ]);
  });

  it('keeps a cut-off line and garbage to themselves, so the lines after still load', () => {
    const pieces = scan('{"a":1\n\u0000\u0001binary{junk\n{"a":2}\nplain text\n{"a":3}');
    expect(pieces.map((p) => [p.kind, p.line])).toEqual([
      ['unterminated', 1],
      ['garbage', 2],
      ['object', 3],
      ['garbage', 4],
      ['object', 5],
    ]);
  });

  it('reads the elements of a JSON array, even pretty-printed, with the line each starts on', () => {
    const pieces = scan('[\n  {"a": 1,\n   "b": 2},\n  {"a": 3}\n]\n');
    expect(pieces.map((p) => [p.kind, p.line, JSON.parse(p.text).a])).toEqual([
      ['object', 2, 1],
      ['object', 4, 3],
    ]);
  });

  it('reports an input that ends inside a record', () => {
    expect(scan('{"a":1}\n{"a":')).toEqual([
      { kind: 'object', line: 1, text: '{"a":1}' },
      { kind: 'unterminated', line: 2, text: '{"a":' },
    ]);
  });
});

describe('parsePiece', () => {
  const cols = ['pidx', 'uclass'];
  const piece = (text: string): Piece => ({ kind: 'object', line: 1, text });
  it('returns the values as text, ignoring unknown extra fields', () => {
    expect(parsePiece(piece('{"pidx":7,"uclass":"mage","server":"eu-1"}'), cols)).toEqual({ values: ['7', 'mage'] });
  });
  it('names missing fields, nulls, nested values and malformed JSON', () => {
    expect(parsePiece(piece('{"pidx":7}'), cols)).toEqual({ reason: 'missing field: uclass' });
    expect(parsePiece(piece('{}'), cols)).toEqual({ reason: 'missing fields: pidx, uclass' });
    expect(parsePiece(piece('{"pidx":null,"uclass":"x"}'), cols)).toEqual({ reason: 'null value in pidx' });
    expect(parsePiece(piece('{"pidx":{"x":1},"uclass":"x"}'), cols)).toEqual({ reason: 'pidx is not a scalar value' });
    expect(parsePiece(piece('{"pidx":7,,}'), cols)).toMatchObject({ reason: expect.stringMatching(/^malformed JSON/) });
  });
  it('tells binary data from text that is not JSON', () => {
    expect(parsePiece({ kind: 'garbage', line: 1, text: '\u0000\u0007PK' }, cols)).toEqual({ reason: 'binary data, not JSON' });
    expect(parsePiece({ kind: 'garbage', line: 1, text: 'hello' }, cols)).toEqual({ reason: 'not a JSON object' });
    expect(parsePiece({ kind: 'unterminated', line: 1, text: '{"a"' }, cols)).toEqual({ reason: 'unterminated JSON record (cut off)' });
  });
});

describe('splitCsvLine', () => {
  it('splits on commas outside quotes and undoubles quotes', () => {
    expect(splitCsvLine('1,"a,b","say ""hi""",')).toEqual(['1', 'a,b', 'say "hi"', '']);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFileError, readCsvPoints, writeScoredCsv } from '../../../electron/scoring/csvPoints.ts';

const dir = mkdtempSync(join(tmpdir(), 'rz-csv-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function csvFile(text: string): string {
  const path = join(dir, `in-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

describe('CSV points', () => {
  it('parses the chosen columns row-major, through quotes, CRLF, exponents and a last line without a newline', async () => {
    const csv = await readCsvPoints(csvFile('id,name,x,y\r\n1,"a, b",1.5,-2\r\n2,"say ""hi""",3e2,+0.25\r\n3,c,4,5'), ['y', 'x']);
    expect(csv.columns).toEqual(['y', 'x']);
    expect([csv.rows, csv.dims]).toEqual([3, 2]);
    expect(Array.from(csv.points.subarray(0, csv.rows * csv.dims))).toEqual([-2, 1.5, 0.25, 300, 5, 4]);
  });

  it('writes each row back as it was read, the new columns appended with 6 decimals (NaN empty)', async () => {
    const csv = await readCsvPoints(csvFile('x,label\r\n1,"q, r"\r\n2,s\r\n'), ['x']);
    const out = join(dir, 'out.csv');
    await writeScoredCsv(out, csv, ['score', 'grade'], Float64Array.from([1.25, -0.5]), Float64Array.from([NaN, 0.125]));
    expect(readFileSync(out, 'utf8')).toBe('x,label,score,grade\n1,"q, r",1.250000,\n2,s,-0.500000,0.125000\n');
  });

  it('refuses what it cannot score with a CsvFileError that names the line', async () => {
    await expect(readCsvPoints(csvFile('x,y\n1,abc\n'), undefined)).rejects.toThrow(CsvFileError);
    await expect(readCsvPoints(csvFile('x,y\n1,abc\n'), undefined)).rejects.toThrow(/column 'y' line 2/);
    await expect(readCsvPoints(csvFile('x\n"1\n'), undefined)).rejects.toThrow(/unterminated quote/);
    await expect(readCsvPoints(join(dir, 'missing.csv'), undefined)).rejects.toThrow(/no such file/);
  });
});
